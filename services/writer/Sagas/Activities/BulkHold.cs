using Agents.Writer.BulkGuard;
using Agents.Writer.Persistence;
using MassTransit;

namespace Agents.Writer.Sagas.Activities;

/// <summary>
/// Puts a write into the open batch of its source and kind, in the saga's transaction (the scope's
/// <see cref="WriterDbContext"/>); the step the activities that hold share.
/// </summary>
public sealed class BulkHold(BulkGuardService guard, WriterDbContext db, WriteAudit audit, WriteCounts counts)
{
    public async Task JoinAsync<T>(BehaviorContext<WriteApprovalState, T> ctx, string reason) where T : class
    {
        var saga = ctx.Saga;
        var (batchId, opened) = await guard.JoinBatchAsync(db, saga.Source, saga.Kind, reason, ctx.CancellationToken);
        saga.BatchId = batchId;
        saga.BulkReason = reason;
        audit.Add(saga, "bulk_held", "system", $"batch {saga.BatchId}: {reason}");
        counts.Proposal("bulk_held");
        if (opened)
            counts.BulkGuardTripped(saga.Kind);
    }
}
