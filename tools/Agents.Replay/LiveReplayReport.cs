using System.Globalization;
using System.Text;

namespace Agents.Replay;

/// <summary>The live replay's report: how many tickets ingest accepted, recognised or refused, and each ticket's answer. No ticket text.</summary>
public sealed class LiveReplayReport(IReadOnlyList<DeliveryOutcome> outcomes)
{
    public IReadOnlyList<DeliveryOutcome> Outcomes => outcomes;

    public int Count(DeliveryKind kind) => outcomes.Count(o => o.Kind == kind);

    /// <summary>Every ticket is in the system: accepted now or before.</summary>
    public bool AllIn => outcomes.All(o => o.Kind is DeliveryKind.Accepted or DeliveryKind.Duplicate);

    public string Markdown(string input, Uri ingest, string? rows)
    {
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"# Live replay of {Path.GetFileName(input)}");
        sb.AppendLine();
        sb.AppendLine(CultureInfo.InvariantCulture,
            $"{outcomes.Count} tickets{(rows is null ? "" : $" (rows {rows} of the file)")} sent to {ingest} (POST /webhooks/generic).");
        sb.AppendLine();
        sb.AppendLine("| outcome | tickets |");
        sb.AppendLine("|---|---|");
        foreach (var kind in Enum.GetValues<DeliveryKind>())
            sb.AppendLine(CultureInfo.InvariantCulture, $"| {Name(kind)} | {Count(kind)} |");
        var retried = outcomes.Count(o => o.Attempts > 1);
        sb.AppendLine();
        sb.AppendLine(CultureInfo.InvariantCulture, $"{retried} ticket(s) needed more than one attempt (429/503 with Retry-After, or no answer).");
        var problems = outcomes.Where(o => o.Kind is DeliveryKind.Refused or DeliveryKind.Failed).ToList();
        if (problems.Count > 0)
        {
            sb.AppendLine();
            sb.AppendLine("## Not in the system");
            sb.AppendLine();
            sb.AppendLine("| ticket | outcome | status | attempts | reason |");
            sb.AppendLine("|---|---|---|---|---|");
            foreach (var o in problems)
                sb.AppendLine(CultureInfo.InvariantCulture, $"| {o.Delivery.ExternalId} | {Name(o.Kind)} | {Status(o)} | {o.Attempts} | {Cell(o.Detail)} |");
        }
        return sb.ToString();
    }

    /// <summary>One line per ticket: ticket id, webhook-id, outcome, status, attempts, latency, reason.</summary>
    public string Csv() => CsvTable.Write(
        ["ticket", "webhook_id", "outcome", "status", "attempts", "latency_ms", "reason"],
        outcomes.Select(o => new[]
        {
            o.Delivery.ExternalId, o.Delivery.WebhookId, Name(o.Kind), Status(o), o.Attempts.ToString(CultureInfo.InvariantCulture),
            o.Latency.TotalMilliseconds.ToString("0.0", CultureInfo.InvariantCulture), o.Detail ?? "",
        }));

    public static string Name(DeliveryKind kind) => kind.ToString().ToLowerInvariant();

    private static string Status(DeliveryOutcome o) => o.Status is { } s ? ((int)s).ToString(CultureInfo.InvariantCulture) : "none";

    private static string Cell(string? text) => (text ?? "").Replace("|", "\\|").ReplaceLineEndings(" ");
}
