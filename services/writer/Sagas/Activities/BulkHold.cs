using Agents.Writer.BulkGuard;
using Agents.Writer.Telemetry;
using MassTransit;

namespace Agents.Writer.Sagas.Activities;

/// <summary>Puts a write into the open batch of its source and kind, in the saga's transaction (the activities' shared step).</summary>
public sealed class BulkHold(BulkGuardService guard, WriterMetrics metrics)
{
    public async Task JoinAsync<T>(BehaviorContext<WriteApprovalState, T> ctx, string reason) where T : class
    {
        var saga = ctx.Saga;
        var (batchId, opened) = await guard.JoinBatchAsync(ctx.WriterDb(), saga.Source, saga.Kind, reason, ctx.CancellationToken);
        saga.BatchId = batchId;
        saga.BulkReason = reason;
        ctx.Audit("bulk_held", "system", $"batch {saga.BatchId}: {reason}");
        ctx.CountProposal("bulk_held");
        if (opened)
            ctx.AfterCommit(() => metrics.BulkGuardTripped(saga.Kind));
    }
}
