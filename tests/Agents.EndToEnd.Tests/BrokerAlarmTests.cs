using Agents.Harness;
using Agents.Testing;
using NUnit.Framework;

namespace Agents.EndToEnd.Tests;

/// <summary>
/// A broker memory alarm blocks every publisher while consumers still receive. What was sent or decided during one
/// must be handled exactly once after it: a ticket's writes held once, its escalation in the inbox once, nothing
/// dead-lettered. Each test on a broker of its own (the alarm blocks every publisher of the node).
/// </summary>
[TestFixture]
public class BrokerAlarmTests
{
    /// <summary>
    /// Tickets the classifier is working on when the alarm starts cannot publish their outcome until it clears, and an
    /// alarm can outlast PostgreSQL's idle-in-transaction limit, which ends the transaction that holds a delivery's claim
    /// while its outcome waits in the connection. The outcome must still go out once: the delivery is recorded as
    /// handled on its own, where a failed commit used to retry the message and publish every outcome a second time.
    /// </summary>
    [Test]
    public async Task Tickets_in_the_classifier_through_an_alarm_longer_than_the_transaction_limit_are_each_handled_once()
    {
        await using var broker = await OwnBroker.StartAsync();
        await using var database = await IsolatedDatabase.CreateAsync();
        await using var llm = await FakeLlmServer.StartAsync();
        // Each draft its own words: a ticket drafted twice would show as a superseded note on the approval page.
        var drafts = 0;
        llm.Answer = r => r.IsDraft
            ? $"Hello,\n\nthank you for your message. Our billing team is looking into the charges (reference {Interlocked.Increment(ref drafts)}).\n\nYour support team"
            : r.UserText.Contains("URGENT", StringComparison.Ordinal)
                ? FakeLlmServer.ClassificationJson("Technical Support", "urgent", confidence: 0.95)
                : FakeLlmServer.ClassificationJson("Billing and Payments", "medium", confidence: 0.95);
        // Every call waits for the model until the test lowers the bar below the calls in flight.
        llm.Delay = TimeSpan.FromSeconds(90);
        llm.HoldUntilInFlight = int.MaxValue;
        // Shorter than the alarm below, as the shipped 60 s is shorter than an alarm that lasts minutes.
        await using var system = await AlarmedSystem.StartAsync(broker, database, new Dictionary<string, string?>
        {
            ["Database:IdleInTransactionTimeout"] = "00:00:03",
        }, new Dictionary<string, string?>
        {
            ["Classifier:Llm:Endpoint"] = llm.Endpoint.ToString(),
            ["Classifier:Llm:Model"] = "fake-model",
            ["Classifier:Llm:ApiKey"] = "sk-test-llm-key-not-a-secret-000",
            ["Classifier:Llm:Timeout"] = "00:01:30",
        });

        var tickets = Enumerable.Range(1, 6).Select(i => (Id: $"T-alarm-{i}", Urgent: i % 3 == 0)).ToList();
        foreach (var (id, urgent) in tickets)
        {
            // Each its own text: the classifier asks the model once per content and lets copies wait for that answer.
            var body = urgent
                ? Tickets.Generic(id, $"URGENT: production is down ({id})", "URGENT: nothing loads since the deploy.")
                : Tickets.Generic(id, $"{Tickets.BillingSubject} ({id})", Tickets.BillingBody, "low");
            var sent = await CrmWebhooks.SendAsync(system.Ingest.Address, body, $"msg_{id}");
            Assert.That(sent.Accepted, Is.True, $"{id} accepted before the alarm");
        }
        await Eventually.Until(() => Task.FromResult(llm.InFlight), n => n == tickets.Count, TimeSpan.FromSeconds(30),
            "every ticket waits for the model");

        await broker.Node.SetMemoryAlarmAsync(raised: true);
        llm.HoldUntilInFlight = 1;
        // The outcomes wait in the blocked connection while each delivery's claim is held in its transaction...
        await Eventually.Until(() => database.ScalarAsync<long>(IdleInTransaction), n => n >= 1, TimeSpan.FromSeconds(30),
            "a delivery's claim held open while its outcome waits for the broker");
        // ...until PostgreSQL ends those transactions at its limit, the alarm still on.
        await Eventually.Until(() => database.ScalarAsync<long>(IdleInTransaction), n => n == 0, TimeSpan.FromSeconds(30),
            "PostgreSQL ended the transactions at its idle-in-transaction limit");
        Assert.That(await database.ScalarAsync<long>("SELECT (SELECT count(*) FROM write_approvals) + (SELECT count(*) FROM escalations)"),
            Is.Zero, "no outcome got past the blocked broker");
        await broker.Node.SetMemoryAlarmAsync(raised: false);

        var proposing = tickets.Where(t => !t.Urgent).Select(t => t.Id).ToList();
        var escalated = tickets.Where(t => t.Urgent).Select(t => t.Id).ToList();
        await Eventually.Until(() => database.ScalarAsync<long>(
                $"SELECT count(*) FROM write_approvals WHERE \"Kind\" <> 'escalate'"),
            n => n == proposing.Count * 3, TimeSpan.FromSeconds(90), "every proposing ticket's three writes held");
        await Eventually.Until(() => database.ScalarAsync<long>("SELECT count(*) FROM crm_journal WHERE \"Kind\" = 'escalate'"),
            n => n == escalated.Count, TimeSpan.FromSeconds(90), "every escalation in the inbox and on its ticket");
        await Eventually.Until(() => database.ScalarAsync<long>("SELECT count(*) FROM classifier_deliveries"),
            n => n == tickets.Count, TimeSpan.FromSeconds(60), "every delivery recorded as handled");
        // Time for a second copy of any outcome to arrive, had one been published.
        await Task.Delay(TimeSpan.FromSeconds(3));

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(await database.ScalarAsync<long>(
                    "SELECT count(*) FROM write_approvals WHERE \"Generation\" <> 1 OR \"SupersededCount\" <> 0 OR \"CurrentState\" <> 'AwaitingApproval' AND \"Kind\" <> 'escalate'"),
                Is.Zero, "every write held once, in its first version: none superseded by a second draft or verdict");
            Assert.That(await database.ScalarAsync<long>("SELECT count(*) FROM escalations WHERE \"Generation\" <> 1"), Is.Zero,
                "each escalation in the inbox once");
            Assert.That(await database.ScalarAsync<long>("SELECT count(*) FROM escalations"), Is.EqualTo(escalated.Count));
            Assert.That(await database.ScalarAsync<long>("SELECT count(*) FROM crm_journal"), Is.EqualTo(escalated.Count),
                "nothing applied but the escalations");
            Assert.That(llm.DraftCallCount, Is.EqualTo(proposing.Count), "one draft a ticket");
            Assert.That(await database.ScalarAsync<long>(
                    "SELECT (SELECT coalesce(sum(\"DuplicateCount\"), 0) FROM write_approvals) + (SELECT coalesce(sum(\"DuplicateCount\"), 0) FROM escalations)"),
                Is.Zero, "each outcome published once: the delivery was recorded as handled although its claim's transaction was gone");
            Assert.That(await broker.DeadLetteredAsync(), Is.Zero, "nothing dead-lettered");
        });
    }

    /// <summary>
    /// Ingest answers 503 through an alarm, but a publish it gave up on may already be at the broker, held there until
    /// the alarm clears, beside the copy the vendor's retry publishes: the classifier must handle the delivery once.
    /// The copies carry one message id, derived from the delivery.
    /// </summary>
    [Test]
    public async Task A_webhook_refused_during_an_alarm_and_sent_again_after_it_is_handled_once()
    {
        await using var broker = await OwnBroker.StartAsync();
        await using var database = await IsolatedDatabase.CreateAsync();
        await using var system = await AlarmedSystem.StartAsync(broker, database, new Dictionary<string, string?>(), new Dictionary<string, string?>(),
            new Dictionary<string, string?>
            {
                ["Ingest:PublishTimeout"] = "00:00:01",
                // RabbitMQ.Client waits an unanswered operation out this long whatever its caller's token says (shipped 20 s).
                ["RabbitMq:ContinuationTimeout"] = "00:00:03",
            });
        var tickets = Enumerable.Range(1, 4).Select(i => (Id: $"T-refused-{i}", Body: Tickets.Generic($"T-refused-{i}",
            $"{Tickets.BillingSubject} (T-refused-{i})", Tickets.BillingBody, "low"))).ToList();

        await broker.Node.SetMemoryAlarmAsync(raised: true);
        foreach (var (id, body) in tickets)
        {
            using var refused = await system.Ingest.Client.SendAsync(SignedWebhooks.Generic("/webhooks/generic", body, $"msg_{id}"));
            Assert.That(refused.StatusCode, Is.EqualTo(System.Net.HttpStatusCode.ServiceUnavailable), $"{id} refused during the alarm");
        }
        await broker.Node.SetMemoryAlarmAsync(raised: false);
        foreach (var (id, body) in tickets)
            Assert.That((await CrmWebhooks.SendAsync(system.Ingest.Address, body, $"msg_{id}")).Accepted, Is.True, $"{id} accepted once the alarm cleared");

        await Eventually.Until(() => database.ScalarAsync<long>("SELECT count(*) FROM classifier_deliveries"),
            n => n == tickets.Count, TimeSpan.FromSeconds(60), "every delivery handled");
        await Eventually.Until(() => database.ScalarAsync<long>("SELECT count(DISTINCT \"ExternalId\") FROM write_approvals"),
            n => n == tickets.Count, TimeSpan.FromSeconds(60), "every ticket's writes held");
        // The publish that met the alarm first reached the broker and waited there for it to clear (later ones gave
        // up before they were sent): two copies of that delivery reached the classifier.
        await Eventually.Until(() => database.ScalarAsync<long>(
                "SELECT count(DISTINCT \"ExternalId\") FROM classifier_steps WHERE \"Step\" = 'duplicate'"),
            n => n >= 1, TimeSpan.FromSeconds(30), "a copy ingest gave up on reached the classifier, and was skipped");
        await Task.Delay(TimeSpan.FromSeconds(2));

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(await database.ScalarAsync<long>("SELECT count(*) FROM write_approvals WHERE \"DuplicateCount\" <> 0 OR \"Generation\" <> 1"),
                Is.Zero, "the writer saw each write once: the classifier published each delivery's outcome once");
            Assert.That(await database.ScalarAsync<long>("SELECT count(*) FROM ingest_deliveries WHERE \"DeliveryKey\" LIKE 'msg_T-refused-%'"),
                Is.EqualTo(tickets.Count), "each delivery recorded once it was accepted");
            Assert.That(await broker.DeadLetteredAsync(), Is.Zero, "nothing dead-lettered");
        });
    }

    private const string IdleInTransaction =
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND state LIKE 'idle in transaction%'";

    /// <summary>The three services in this process on the test's own broker and database.</summary>
    private sealed class AlarmedSystem : IAsyncDisposable
    {
        private AlarmedSystem(RunningService writer, RunningService classifier, RunningService ingest) =>
            (Writer, Classifier, Ingest) = (writer, classifier, ingest);

        public RunningService Writer { get; }
        public RunningService Classifier { get; }
        public RunningService Ingest { get; }

        /// <param name="all">Settings every service gets.</param>
        public static async Task<AlarmedSystem> StartAsync(OwnBroker broker, IsolatedDatabase database, IReadOnlyDictionary<string, string?> all,
            IReadOnlyDictionary<string, string?> classifier, IReadOnlyDictionary<string, string?>? ingest = null)
        {
            var settings = new SystemSettings
            {
                Broker = broker.Settings,
                ConnectionString = database.ConnectionString,
                CommonExtras = all,
                IngestExtras = ingest ?? new Dictionary<string, string?>(),
                ClassifierExtras = classifier,
            };
            var (writer, classifierService, ingestService) = await AgentsSystem.StartServicesAsync(settings);
            return new AlarmedSystem(writer, classifierService, ingestService);
        }

        public async ValueTask DisposeAsync()
        {
            await Ingest.DisposeAsync();
            await Classifier.DisposeAsync();
            await Writer.DisposeAsync();
        }
    }
}
