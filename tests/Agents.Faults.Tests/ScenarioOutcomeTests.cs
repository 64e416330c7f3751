using System.Net;
using System.Text;
using Agents.Harness.Load;
using Agents.Webhooks;

namespace Agents.Faults.Tests;

/// <summary>
/// The fault runs' books without any server: each kind of wrong outcome is caught and names its ticket, so a check
/// that could never fail would show here.
/// </summary>
[TestFixture]
public sealed class ScenarioOutcomeTests
{
    private static readonly IReadOnlyList<WebhookDelivery> Deliveries = TicketDeliveries.Create("t", 4, urgentEvery: 4, duplicateShare: 0);

    private static DeliveryResult Accepted(WebhookDelivery d) =>
        new(d, HttpStatusCode.Accepted, 1, TimeSpan.FromMilliseconds(3), DateTimeOffset.UtcNow, AttemptLog: ["10:00:00.000 127.0.0.1:5001 202 in 3 ms"]);

    /// <summary>t-1..t-3 written (two Applied writes each, journalled once), t-4 (urgent) escalated: all correct.</summary>
    private static (Dictionary<string, string> States, Dictionary<string, int> Journal, Dictionary<string, int> Audits, Dictionary<string, int> Escalations) Correct()
    {
        var states = new Dictionary<string, string>();
        foreach (var n in new[] { 1, 2, 3 })
            foreach (var kind in new[] { "set-priority", "add-tags" })
                states[$"generic:t-{n}:{kind}"] = "Applied";
        return (states, states.Keys.ToDictionary(k => k, _ => 1), states.Keys.ToDictionary(k => k, _ => 1),
            new Dictionary<string, int> { ["t-4"] = 1 });
    }

    private static ScenarioOutcome Outcome(Dictionary<string, string> states, Dictionary<string, int> journal, Dictionary<string, int> audits,
        Dictionary<string, int> escalations, IReadOnlyList<DeliveryResult>? results = null, IReadOnlyList<DeadLetter>? deadLetters = null) =>
        new(Deliveries, results ?? Deliveries.Select(Accepted).ToList(), escalations, new WriteLedger(states, journal, audits),
            llmCalls: 4, senderRetries: 0, autoApproval: true, deadLetters) { CameToRest = true };

    [Test]
    public void A_correct_run_has_no_offenders()
    {
        var (states, journal, audits, escalations) = Correct();
        var outcome = Outcome(states, journal, audits, escalations);
        Assert.Multiple(() =>
        {
            Assert.That(outcome.IsSettled, Is.True);
            Assert.That(outcome.Offenders(), Is.Empty);
            Assert.That(outcome.OutcomeByTicket().Values, Is.EquivalentTo(new[] { "applied", "applied", "applied", "escalated" }));
        });
    }

    [Test]
    public void An_escalated_ticket_handed_to_a_person_in_its_crm_is_escalated_and_a_refused_hand_over_is_named()
    {
        var (states, journal, audits, escalations) = Correct();
        states["generic:t-4:escalate"] = "Applied";
        Assert.That(Outcome(states, journal, audits, escalations).OutcomeByTicket()["t-4"], Is.EqualTo("escalated"));
        states["generic:t-4:escalate"] = "Refused";
        var outcome = Outcome(states, journal, audits, escalations);
        Assert.That((outcome.OutcomeByTicket()["t-4"], outcome.IsSettled), Is.EqualTo(("partial: escalate Refused", false)));
    }

    [Test]
    public void A_ticket_escalated_and_written_is_conflicting()
    {
        var (states, journal, audits, escalations) = Correct();
        escalations["t-2"] = 1;
        var outcome = Outcome(states, journal, audits, escalations);
        Assert.Multiple(() =>
        {
            Assert.That(outcome.IsSettled, Is.False);
            Assert.That(outcome.OutcomeByTicket()["t-2"], Is.EqualTo("conflicting: escalated and written"));
            Assert.That(outcome.Offenders().Keys, Is.EqualTo(new[] { "t-2" }));
            Assert.That(outcome.Offenders()["t-2"].Single(), Does.Contain("conflicting"));
        });
    }

    [Test]
    public void A_ticket_with_nothing_or_a_write_missing_or_stuck_is_named()
    {
        var (states, journal, audits, escalations) = Correct();
        escalations.Remove("t-4");
        states.Remove("generic:t-1:add-tags");
        journal.Remove("generic:t-1:add-tags");
        states["generic:t-3:add-tags"] = "Applying";
        journal.Remove("generic:t-3:add-tags");
        var outcomes = Outcome(states, journal, audits, escalations).OutcomeByTicket();
        Assert.Multiple(() =>
        {
            Assert.That(outcomes["t-4"], Is.EqualTo("none"));
            Assert.That(outcomes["t-1"], Is.EqualTo("partial: Applied"));
            Assert.That(outcomes["t-3"], Is.EqualTo("partial: Applied,Applying"));
            Assert.That(Outcome(states, journal, audits, escalations).Offenders().Keys, Is.EquivalentTo(new[] { "t-1", "t-3", "t-4" }));
        });
    }

    [Test]
    public void A_write_applied_twice_or_out_of_step_with_the_journal_is_named_by_key()
    {
        var (states, journal, audits, escalations) = Correct();
        audits["generic:t-1:set-priority"] = 2;
        states["generic:t-2:add-tags"] = "Failed";
        var outcome = Outcome(states, journal, audits, escalations);
        Assert.Multiple(() =>
        {
            Assert.That(outcome.AppliedTwice, Is.EqualTo(new[] { "generic:t-1:set-priority applied×2" }));
            Assert.That(outcome.JournalMismatches, Is.EqualTo(new[] { "generic:t-2:add-tags in journal, saga Failed" }));
            Assert.That(outcome.Offenders()["t-1"].Single(), Does.Contain("applied twice"));
            Assert.That(outcome.Offenders()["t-2"], Has.Some.Contains("journal mismatch"));
        });
    }

    [Test]
    public void Refused_deliveries_and_dead_letters_name_their_tickets()
    {
        var (states, journal, audits, escalations) = Correct();
        var results = Deliveries.Select(d => d.ExternalId == "t-3"
            ? new DeliveryResult(d, HttpStatusCode.ServiceUnavailable, 15, TimeSpan.Zero, default, AttemptLog: ["503"])
            : Accepted(d)).ToList();
        var outcome = Outcome(states, journal, audits, escalations, results,
            [new DeadLetter("ticket-received_error", "t-1", "urn:message:Agents.Contracts:TicketReceived", "Npgsql: connection refused")]);
        var offenders = outcome.Offenders();
        Assert.Multiple(() =>
        {
            Assert.That(offenders["t-3"], Has.Some.Contains("never accepted"));
            Assert.That(offenders["t-3"], Has.Some.Contains("refused for good: ServiceUnavailable"));
            Assert.That(offenders["t-1"].Single(), Does.Contain("ticket-received_error").And.Contain("connection refused"));
        });
    }

    [Test]
    public void The_answers_of_one_status_are_read_from_every_attempt_in_time_order_across_midnight()
    {
        var (states, journal, audits, escalations) = Correct();
        var results = Deliveries.Select((d, i) => new DeliveryResult(d, HttpStatusCode.Accepted, 2, TimeSpan.Zero, default,
            AttemptLog: i switch
            {
                0 => ["23:59:58.500 127.0.0.1:5001 503 in 5001 ms", "23:59:59.600 127.0.0.1:5002 202 in 4 ms"],
                1 => ["00:00:01.250 127.0.0.1:5002 503 in 5000 ms", "00:00:02.000 127.0.0.1:5001 no answer after 10000 ms (TaskCanceledException)"],
                _ => ["23:59:59.000 127.0.0.1:5001 202 in 3 ms"],
            })).ToList();
        var outcome = new ScenarioOutcome(Deliveries, results, escalations, new WriteLedger(states, journal, audits), llmCalls: 4,
            senderRetries: 2, autoApproval: true) { StartedAt = new DateTimeOffset(2026, 12, 1, 23, 59, 50, TimeSpan.Zero) };
        var refusals = outcome.Answers(HttpStatusCode.ServiceUnavailable);
        Assert.That(refusals, Is.EqualTo(new[]
        {
            (new DateTimeOffset(2026, 12, 1, 23, 59, 58, 500, TimeSpan.Zero), "127.0.0.1:5001"),
            (new DateTimeOffset(2026, 12, 2, 0, 0, 1, 250, TimeSpan.Zero), "127.0.0.1:5002"),
        }));
    }

    [Test]
    public void The_report_of_a_ticket_shows_why_and_every_answer_it_got()
    {
        var (states, journal, audits, escalations) = Correct();
        escalations["t-2"] = 1;
        var outcome = Outcome(states, journal, audits, escalations);
        var text = FailureReport.Render("t-2", outcome.Offenders()["t-2"], outcome, new EscalationProbe(new RabbitMQ.Client.ConnectionFactory(), []),
            TicketEvidence.Empty, ["classifier-1: 2026-12-01T20:59:29.317Z Warning Could not write the 7 steps of ticket generic/t-2"]);
        Assert.That(text, Does.Contain("=== t-2: outcome conflicting: escalated and written")
            .And.Contain("sender msg_t-2: Accepted after 1 attempt(s): 10:00:00.000 127.0.0.1:5001 202 in 3 ms")
            .And.Contain("  log classifier-1: 2026-12-01T20:59:29.317Z Warning Could not write the 7 steps"));
    }

    [Test]
    public void An_escalation_envelope_is_read_with_what_decided_it()
    {
        const string envelope = """
            {"messageId":"0b7f2c55-0000-4d8a-9d36-5a8c1f6e2b44","sentTime":"2026-12-01T20:30:00Z","messageType":["urn:message:Agents.Contracts:TicketEscalated"],
             "message":{"source":"generic","externalId":"t-4","reason":"priority is urgent",
                        "classification":{"category":"Billing","priority":"urgent","sentiment":"negative","language":"en","confidence":0.42,"classifiedBy":"rules"}}}
            """;
        var seen = EscalationProbe.Parse(Encoding.UTF8.GetBytes(envelope), redelivered: true);
        Assert.That(seen.ToString(), Is.EqualTo("escalation message 0b7f2c55-0000-4d8a-9d36-5a8c1f6e2b44 sent 2026-12-01T20:30:00Z (redelivered): "
            + "priority is urgent; classifiedBy=rules priority=urgent confidence=0.42"));
        Assert.That(seen.ExternalId, Is.EqualTo("t-4"));
    }

    [Test]
    public void Instance_log_lines_are_found_by_exact_ticket_id()
    {
        var folder = Directory.CreateTempSubdirectory("faults-logs-");
        try
        {
            File.WriteAllLines(Path.Combine(folder.FullName, "classifier-1.log"),
            [
                """{"Timestamp":"2026-12-01T20:59:29.317Z ","LogLevel":"Warning","Message":"Could not write the 7 steps of ticket generic/run1-12","Exception":"Npgsql.NpgsqlException: Exception while reading from stream\n   at Npgsql…"}""",
                """{"Timestamp":"2026-12-01T20:59:30.000Z ","LogLevel":"Warning","Message":"Could not write the 7 steps of ticket generic/run1-120"}""",
                "not json at all: run1-12 mentioned",
            ]);
            var found = InstanceLogs.Naming(folder.FullName, "run1", new HashSet<string> { "run1-12" });
            Assert.That(found["run1-12"], Is.EqualTo(new[]
            {
                "classifier-1: 2026-12-01T20:59:29.317Z Warning Could not write the 7 steps of ticket generic/run1-12 — Npgsql.NpgsqlException: Exception while reading from stream",
                "classifier-1: not json at all: run1-12 mentioned",
            }));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
