using System.Diagnostics.Metrics;

namespace Agents.Writer.Telemetry;

/// <summary>The writer's instruments (meter <c>Agents.Writer</c>).</summary>
public sealed class WriterMetrics
{
    public const string MeterName = "Agents.Writer";

    private readonly Counter<long> _proposals;
    private readonly Histogram<double> _approvalDuration;
    private readonly Counter<long> _bulkGuardTrips;
    private readonly Counter<long> _crmWrites;

    // Written by PendingWritesMonitor, read by the gauges' callbacks: the callbacks never touch the database.
    private long _pending;
    private double _oldestPendingAgeSeconds;

    public WriterMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _proposals = meter.CreateCounter<long>("agents.writer.proposals", "{proposal}",
            "Proposals received, by outcome: held, duplicate, superseded, refused, auto_approved, bulk_held.");
        _approvalDuration = meter.CreateHistogram<double>("agents.writer.approval.duration", "s",
            "Time from proposal to a decision (approved, rejected, auto-approved).");
        _bulkGuardTrips = meter.CreateCounter<long>("agents.writer.bulk_guard.trips", "{trip}",
            "Times the bulk guard opened a batch for review.");
        _crmWrites = meter.CreateCounter<long>("agents.writer.crm.writes", "{write}",
            "CRM write attempts by adapter and outcome: applied, failed, retried.");
        meter.CreateObservableGauge("agents.writer.approvals.pending", () => Interlocked.Read(ref _pending), "{write}",
            "Writes waiting for a person (awaiting approval or held for bulk review).");
        meter.CreateObservableGauge("agents.writer.approvals.oldest_pending_age", () => Volatile.Read(ref _oldestPendingAgeSeconds), "s",
            "Age of the oldest write waiting for a person.");
    }

    public void Proposal(string outcome) => _proposals.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    public void Decided(TimeSpan sinceProposal) => _approvalDuration.Record(Math.Max(0, sinceProposal.TotalSeconds));

    public void BulkGuardTripped(string kind) => _bulkGuardTrips.Add(1, new KeyValuePair<string, object?>("kind", kind));

    public void CrmWrite(string adapter, string outcome) => _crmWrites.Add(1,
        new KeyValuePair<string, object?>("adapter", adapter), new KeyValuePair<string, object?>("outcome", outcome));

    public void SetPending(long count, TimeSpan oldestAge)
    {
        Interlocked.Exchange(ref _pending, count);
        Volatile.Write(ref _oldestPendingAgeSeconds, oldestAge.TotalSeconds);
    }
}
