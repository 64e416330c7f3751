using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Agents.Webhooks;

namespace Agents.Faults.Tests;

/// <summary>
/// The books of one scenario: what the sender got accepted, set against what came out (escalations seen on the bus,
/// writes in the saga table and the CRM journal, messages given up on in dead-letter queues), ticket by ticket.
/// </summary>
public sealed partial class ScenarioOutcome(
    IReadOnlyList<WebhookDelivery> deliveries,
    IReadOnlyList<DeliveryResult> results,
    IReadOnlyDictionary<string, int> escalations,
    WriteLedger ledger,
    int llmCalls,
    int senderRetries,
    bool autoApproval,
    IReadOnlyList<DeadLetter>? deadLetters = null,
    int draftCalls = 0)
{
    /// <summary>
    /// Writes the classifier proposes for a ticket it does not escalate: set-priority and add-tags, and a drafted
    /// note beside them when drafting gives one (a third write, applied like the others).
    /// </summary>
    public const int WritesPerTicket = 2;

    public IReadOnlyList<DeliveryResult> Results => results;
    /// <summary>Classification requests to the LLM.</summary>
    public int LlmCalls => llmCalls;

    /// <summary>Drafting requests to the LLM (at most one per ticket written, like classification a few more after a fault).</summary>
    public int DraftCalls => draftCalls;
    public WriteLedger Ledger => ledger;

    public IReadOnlySet<string> UniqueTickets { get; } = deliveries.Select(d => d.ExternalId).ToHashSet(StringComparer.Ordinal);

    public IReadOnlySet<string> AcceptedTickets { get; } =
        results.Where(r => r.Accepted).Select(r => r.Delivery.ExternalId).ToHashSet(StringComparer.Ordinal);

    public int AcceptedDeliveries => results.Count(r => r.Accepted);

    /// <summary>
    /// Every accepted delivery may reach the classifier once; a few more for redeliveries after a fault. A retry storm
    /// would be a multiple of that.
    /// </summary>
    public int LlmCallLimit => AcceptedDeliveries + 50;

    /// <summary>Messages MassTransit gave up on (<c>_error</c>/<c>_skipped</c> queues): work that will never be done.</summary>
    public IReadOnlyList<DeadLetter> DeadLetters { get; } = deadLetters ?? [];

    /// <summary>
    /// The system was at rest when the books were read (<see cref="QuietWatch"/>): no message left that could still
    /// change an outcome. Without it the other checks are not conclusive.
    /// </summary>
    public bool CameToRest { get; init; }

    /// <summary>What kept the system from rest at the last reading (<see cref="QuietWatch.Busy"/>).</summary>
    public IReadOnlyList<string> Busy { get; init; } = [];

    /// <summary>When the run started: the sender's attempt log writes times of day, read against it.</summary>
    public DateTimeOffset StartedAt { get; init; } = DateTimeOffset.UtcNow;

    /// <summary>
    /// Every attempt the sender recorded that was answered <paramref name="status"/>: when the answer came and which
    /// ingest instance gave it, in time order.
    /// </summary>
    public IReadOnlyList<(DateTimeOffset At, string Instance)> Answers(HttpStatusCode status) => results
        .SelectMany(r => r.AttemptLog ?? [])
        .Select(line => AttemptLine().Match(line))
        .Where(m => m.Success && int.Parse(m.Groups["status"].Value, CultureInfo.InvariantCulture) == (int)status)
        .Select(m => (At(TimeSpan.ParseExact(m.Groups["time"].Value, @"hh\:mm\:ss\.fff", CultureInfo.InvariantCulture)), m.Groups["instance"].Value))
        .OrderBy(a => a.Item1)
        .ToList();

    /// <summary>A time of day of the attempt log as a moment of this run (a run may pass midnight).</summary>
    private DateTimeOffset At(TimeSpan timeOfDay)
    {
        var at = new DateTimeOffset(StartedAt.UtcDateTime.Date + timeOfDay, TimeSpan.Zero);
        return at < StartedAt - TimeSpan.FromMinutes(1) ? at.AddDays(1) : at;
    }

    /// <summary>A line of <see cref="DeliveryResult.AttemptLog"/>: <c>HH:mm:ss.fff host:port 503 in 12 ms</c>.</summary>
    [GeneratedRegex(@"^(?<time>\d{2}:\d{2}:\d{2}\.\d{3}) (?<instance>\S+) (?<status>\d{3}) in ")]
    private static partial Regex AttemptLine();

    private ILookup<string, KeyValuePair<string, string>> WritesByTicket =>
        ledger.StateByKey.ToLookup(w => WriteLedger.TicketOf(w.Key), StringComparer.Ordinal);

    /// <summary>
    /// Each ticket's outcome: escalated (its hand-over write to the CRM applied once, if the run has one), applied (all
    /// its writes applied), held (all awaiting approval), or what is wrong with it: none yet, partial (writes missing
    /// or in flight), or conflicting (escalated AND written).
    /// </summary>
    public IReadOnlyDictionary<string, string> OutcomeByTicket()
    {
        var writes = WritesByTicket;
        var outcomes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var ticket in AcceptedTickets)
        {
            var escalated = escalations.ContainsKey(ticket);
            // The writer hands an escalated ticket to a person in its CRM with an escalate write: part of escalating.
            var handOver = writes[ticket].Where(w => IsHandOver(w.Key)).Select(w => w.Value).ToList();
            var states = writes[ticket].Where(w => !IsHandOver(w.Key)).Select(w => w.Value).ToList();
            outcomes[ticket] = (escalated, states.Count) switch
            {
                (true, 0) when handOver.All(s => s == "Applied") => "escalated",
                (true, 0) => "partial: escalate " + string.Join(",", handOver),
                (true, _) => "conflicting: escalated and written",
                (false, 0) => "none",
                (false, < WritesPerTicket) => "partial: " + string.Join(",", states),
                _ when states.All(s => s == "Applied") => "applied",
                _ when !autoApproval && states.All(s => s == "AwaitingApproval") => "held",
                _ => "partial: " + string.Join(",", states.Order()),
            };
        }
        return outcomes;
    }

    /// <summary>The escalate write (WriteKinds.Escalate) of a key <c>source:ticket:kind</c>.</summary>
    private static bool IsHandOver(string key) => key.EndsWith(":escalate", StringComparison.Ordinal);

    public bool IsSettled => OutcomeByTicket().Values.All(o => o is "escalated" or "applied" or "held");

    /// <summary>Keys the journal holds more than once, or whose saga recorded "applied" more than once.</summary>
    public IReadOnlyList<string> AppliedTwice =>
        ledger.JournalRowsByKey.Where(j => j.Value > 1).Select(j => $"{j.Key} journal×{j.Value}")
            .Concat(ledger.AppliedAuditsByKey.Where(a => a.Value > 1).Select(a => $"{a.Key} applied×{a.Value}"))
            .ToList();

    /// <summary>Journal rows whose saga is not Applied, and Applied sagas without a journal row.</summary>
    public IReadOnlyList<string> JournalMismatches
    {
        get
        {
            var applied = ledger.StateByKey.Where(s => s.Value == "Applied").Select(s => s.Key).ToHashSet(StringComparer.Ordinal);
            var journal = ledger.JournalRowsByKey.Keys.ToHashSet(StringComparer.Ordinal);
            return journal.Except(applied).Select(k => $"{k} in journal, saga {ledger.StateByKey.GetValueOrDefault(k, "missing")}")
                .Concat(applied.Except(journal).Select(k => $"{k} Applied but not in journal"))
                .ToList();
        }
    }

    /// <summary>
    /// Every ticket some check holds against, with why: not accepted or refused for good, no single outcome, a key
    /// applied twice or out of step with the journal, a message of it given up on. These are the tickets a failure
    /// report shows row by row.
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Offenders()
    {
        var why = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        void Add(string ticket, string reason)
        {
            if (!why.TryGetValue(ticket, out var reasons))
                why[ticket] = reasons = [];
            reasons.Add(reason);
        }

        foreach (var ticket in UniqueTickets.Except(AcceptedTickets))
            Add(ticket, "never accepted");
        foreach (var refused in results.Where(r => !r.Accepted))
            Add(refused.Delivery.ExternalId, $"delivery {refused.Delivery.WebhookId} refused for good: {refused.Status?.ToString() ?? "no answer"}");
        foreach (var (ticket, outcome) in OutcomeByTicket().Where(o => o.Value is not ("escalated" or "applied")))
            Add(ticket, "outcome " + outcome);
        foreach (var twice in AppliedTwice)
            Add(WriteLedger.TicketOf(twice), "applied twice: " + twice);
        foreach (var mismatch in JournalMismatches)
            Add(WriteLedger.TicketOf(mismatch), "journal mismatch: " + mismatch);
        foreach (var letter in DeadLetters.Where(d => d.Ticket is not null && UniqueTickets.Contains(d.Ticket)))
            Add(letter.Ticket!, "given up on: " + letter);
        return why.OrderBy(w => w.Key, StringComparer.Ordinal)
            .ToDictionary(w => w.Key, w => (IReadOnlyList<string>)w.Value.Distinct().ToList(), StringComparer.Ordinal);
    }

    /// <summary>The sender's answers for one ticket's deliveries (every attempt, each copy).</summary>
    public IReadOnlyList<DeliveryResult> ResultsFor(string ticket) =>
        results.Where(r => string.Equals(r.Delivery.ExternalId, ticket, StringComparison.Ordinal)).ToList();

    /// <summary>Counts that explain a failure: what went in, what came out, and where the rest is.</summary>
    public string Explain()
    {
        var text = new StringBuilder();
        var statuses = results.GroupBy(r => r.Status?.ToString() ?? "no answer").Select(g => $"{g.Key}×{g.Count()}");
        text.AppendLine($"in: {deliveries.Count} deliveries of {UniqueTickets.Count} tickets; answers {string.Join(", ", statuses)}; sender retries {senderRetries}");
        text.AppendLine($"accepted: {AcceptedTickets.Count} tickets ({AcceptedDeliveries} deliveries)");
        var outcomes = OutcomeByTicket();
        text.AppendLine("out: " + string.Join(", ", outcomes.GroupBy(o => o.Value.Split(':')[0]).OrderBy(g => g.Key)
            .Select(g => $"{g.Key}×{g.Count()}")));
        text.AppendLine("write states: " + string.Join(", ", ledger.StateByKey.GroupBy(s => s.Value).Select(g => $"{g.Key}×{g.Count()}")));
        var escalated = escalations.Where(e => UniqueTickets.Contains(e.Key)).ToList();
        text.AppendLine($"journal rows: {ledger.JournalRowsByKey.Values.Sum()} for {ledger.JournalRowsByKey.Count} keys; escalations seen: {escalated.Count} tickets, {escalated.Sum(e => e.Value)} messages; LLM calls: {llmCalls} to classify, {draftCalls} to draft");
        text.AppendLine(CameToRest ? "broker: at rest (queues empty, no traffic)" : "broker: NOT at rest: "
            + (Busy.Count == 0 ? "quiet for less than the window" : string.Join(", ", Busy)));
        if (DeadLetters.Count > 0)
            text.AppendLine("given up on: " + string.Join(", ", DeadLetters.GroupBy(d => d.Queue).Select(g => $"{g.Key}×{g.Count()}")));
        foreach (var (ticket, outcome) in outcomes.Where(o => o.Value is not ("escalated" or "applied" or "held")).Take(10))
            text.AppendLine($"  {ticket}: {outcome}");
        var notAccepted = UniqueTickets.Except(AcceptedTickets).Take(10).ToList();
        if (notAccepted.Count > 0)
            text.AppendLine("never accepted: " + string.Join(", ", notAccepted));
        return text.ToString();
    }

    /// <summary>Answers other than 2xx: a 4xx here is a bug (every delivery is valid), 503s were retried.</summary>
    public IReadOnlyList<HttpStatusCode?> FinalRefusals => results.Where(r => !r.Accepted).Select(r => r.Status).ToList();
}
