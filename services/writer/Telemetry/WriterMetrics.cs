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
    private readonly Counter<long> _escalationsReceived;

    // Written by PendingWritesMonitor, read by the gauges' callbacks: the callbacks never touch the database.
    private long _pending;
    private double _oldestPendingAgeSeconds;
    private long _openEscalations;
    private double _oldestOpenEscalationAgeSeconds;

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
        _escalationsReceived = meter.CreateCounter<long>("agents.escalations.received", "{escalation}",
            "Escalation messages taken into the inbox, by outcome: new (a row), duplicate (counted on its row).");
        meter.CreateObservableGauge("agents.escalations.open", () => Interlocked.Read(ref _openEscalations), "{escalation}",
            "Escalations not closed yet (open or claimed).");
        meter.CreateObservableGauge("agents.escalations.oldest_open_age", () => Volatile.Read(ref _oldestOpenEscalationAgeSeconds), "s",
            "Age of the oldest escalation not closed yet.");
    }

    public void Proposal(string outcome) => _proposals.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    public void Decided(TimeSpan sinceProposal) => _approvalDuration.Record(Math.Max(0, sinceProposal.TotalSeconds));

    public void BulkGuardTripped(string kind) => _bulkGuardTrips.Add(1, new KeyValuePair<string, object?>("kind", kind));

    public void CrmWrite(string adapter, string outcome) => _crmWrites.Add(1,
        new KeyValuePair<string, object?>("adapter", adapter), new KeyValuePair<string, object?>("outcome", outcome));

    public void EscalationReceived(string outcome) => _escalationsReceived.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    public void SetOpenEscalations(long count, TimeSpan oldestAge)
    {
        Interlocked.Exchange(ref _openEscalations, count);
        Volatile.Write(ref _oldestOpenEscalationAgeSeconds, oldestAge.TotalSeconds);
    }

    public void SetPending(long count, TimeSpan oldestAge)
    {
        Interlocked.Exchange(ref _pending, count);
        Volatile.Write(ref _oldestPendingAgeSeconds, oldestAge.TotalSeconds);
    }
}
