using System.Net;
using System.Text;
using Agents.Webhooks;

namespace Agents.Faults.Tests;

/// <summary>
/// The books of one scenario: what the sender got accepted, set against what came out (escalations seen on the bus,
/// writes in the saga table and the CRM journal), ticket by ticket.
/// </summary>
public sealed class ScenarioOutcome(
    IReadOnlyList<WebhookDelivery> deliveries,
    IReadOnlyList<DeliveryResult> results,
    IReadOnlyDictionary<string, int> escalations,
    WriteLedger ledger,
    int llmCalls,
    int senderRetries,
    bool autoApproval)
{
    /// <summary>Writes the classifier proposes for a ticket it does not escalate: set-priority and add-tags.</summary>
    public const int WritesPerTicket = 2;

    public IReadOnlyList<DeliveryResult> Results => results;
    public int LlmCalls => llmCalls;
    public WriteLedger Ledger => ledger;

    public IReadOnlySet<string> UniqueTickets { get; } = deliveries.Select(d => d.ExternalId).ToHashSet(StringComparer.Ordinal);

    public IReadOnlySet<string> AcceptedTickets { get; } =
        results.Where(r => r.Accepted).Select(r => r.Delivery.ExternalId).ToHashSet(StringComparer.Ordinal);

    public int AcceptedDeliveries => results.Count(r => r.Accepted);

    private ILookup<string, KeyValuePair<string, string>> WritesByTicket =>
        ledger.StateByKey.ToLookup(w => WriteLedger.TicketOf(w.Key), StringComparer.Ordinal);

    /// <summary>
    /// Each ticket's outcome: escalated, applied (all its writes applied), held (all awaiting approval), or what is
    /// wrong with it: none yet, partial (writes missing or in flight), or conflicting (escalated AND written).
    /// </summary>
    public IReadOnlyDictionary<string, string> OutcomeByTicket()
    {
        var writes = WritesByTicket;
        var outcomes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var ticket in AcceptedTickets)
        {
            var escalated = escalations.ContainsKey(ticket);
            var states = writes[ticket].Select(w => w.Value).ToList();
            outcomes[ticket] = (escalated, states.Count) switch
            {
                (true, 0) => "escalated",
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
        text.AppendLine($"journal rows: {ledger.JournalRowsByKey.Values.Sum()} for {ledger.JournalRowsByKey.Count} keys; escalations seen: {escalated.Count} tickets, {escalated.Sum(e => e.Value)} messages; LLM calls: {llmCalls}");
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
