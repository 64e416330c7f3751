using Agents.Sagas.Postgres;
using Agents.Writer.Telemetry;

namespace Agents.Writer.Sagas;

/// <summary>
/// The saga's metrics, scoped to the message and counted once its transaction commits (<see cref="AfterCommit"/>): a
/// first copy that loses the race to another writer rolls back and is retried, and is not counted twice.
/// </summary>
public sealed class WriteCounts(WriterMetrics metrics, AfterCommit afterCommit)
{
    public void Proposal(string outcome) => afterCommit.Add(() => metrics.Proposal(outcome));

    /// <summary>How long the decision waited since the write was proposed.</summary>
    public void Decision(WriteApprovalState saga)
    {
        var waited = saga.DecidedAt!.Value - saga.ProposedAt;
        afterCommit.Add(() => metrics.Decided(waited));
    }

    public void BulkGuardTripped(string kind) => afterCommit.Add(() => metrics.BulkGuardTripped(kind));
}
