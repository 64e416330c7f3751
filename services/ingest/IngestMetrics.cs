using System.Diagnostics.Metrics;

namespace Agents.Ingest;

/// <summary>Ingest's own instruments, on the <c>Agents.Ingest</c> meter.</summary>
public sealed class IngestMetrics
{
    public const string MeterName = "Agents.Ingest";

    private readonly Counter<long> _webhooks;
    private readonly Counter<long> _duplicates;
    private readonly Counter<long> _quarantined;
    private readonly Counter<long> _unverified;

    public IngestMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _webhooks = meter.CreateCounter<long>("agents.ingest.webhooks", "{webhook}", "Webhook deliveries answered, by source and status code.");
        _duplicates = meter.CreateCounter<long>("agents.ingest.duplicates", "{webhook}", "Deliveries recognised as a vendor's retry and not published again.");
        _quarantined = meter.CreateCounter<long>("agents.ingest.quarantined", "{webhook}", "Refused bodies kept in the quarantine table, by reason.");
        _unverified = meter.CreateCounter<long>("agents.ingest.unverified", "{request}",
            "Requests refused before they proved who sent them, by source and reason (signature, too_large, unknown_source, over_budget).");
    }

    public void Answered(string source, int statusCode) =>
        _webhooks.Add(1, new KeyValuePair<string, object?>("source", source), new KeyValuePair<string, object?>("status_code", statusCode));

    public void Duplicate(string source, int count = 1) => _duplicates.Add(count, new KeyValuePair<string, object?>("source", source));

    public void Unverified(string source, string reason) =>
        _unverified.Add(1, new KeyValuePair<string, object?>("source", source), new KeyValuePair<string, object?>("reason", reason));

    public void Quarantined(string source, string reason) =>
        _quarantined.Add(1, new KeyValuePair<string, object?>("source", source), new KeyValuePair<string, object?>("reason", reason));
}
