using Agents.Contracts;
using Agents.Writer.Persistence;
using Agents.Writer.Sagas;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace Agents.Writer.BulkGuard;

/// <summary>
/// Closes a bulk-review batch and hands the decision to each of its writes. Closing first (an UPDATE that waits for
/// writes still joining the batch, see <see cref="BulkGuardService.JoinBatchAsync"/>) fixes the members; the
/// per-write messages leave through the in-memory outbox once this succeeded. A redelivered decision finds the batch
/// closed the same way and sends again to writes still held (the saga ignores a second one).
/// </summary>
public sealed class BatchDecisionConsumer(IDbContextFactory<WriterDbContext> dbFactory, ILogger<BatchDecisionConsumer> logger) :
    IConsumer<ReleaseBatch>,
    IConsumer<RejectBatch>
{
    public const string ReleasedDecision = "released";
    public const string RejectedDecision = "rejected";

    public Task Consume(ConsumeContext<ReleaseBatch> context) =>
        DecideAsync(context, context.Message.BatchId, released: true, context.Message.Approver, context.Message.Reason, context.Message.DecidedAt);

    public Task Consume(ConsumeContext<RejectBatch> context) =>
        DecideAsync(context, context.Message.BatchId, released: false, context.Message.Approver, context.Message.Reason, context.Message.DecidedAt);

    private async Task DecideAsync(ConsumeContext context, Guid batchId, bool released, string approver, string? reason, DateTimeOffset decidedAt)
    {
        var decision = released ? ReleasedDecision : RejectedDecision;
        var at = decidedAt == default ? DateTimeOffset.UtcNow : decidedAt;
        await using var db = await dbFactory.CreateDbContextAsync(context.CancellationToken);
        await using var tx = await db.Database.BeginTransactionAsync(context.CancellationToken);

        var closed = await db.Batches.Where(b => b.BatchId == batchId && b.ClosedAt == null)
            .ExecuteUpdateAsync(s => s
                .SetProperty(b => b.ClosedAt, at)
                .SetProperty(b => b.Decision, decision)
                .SetProperty(b => b.DecidedBy, approver)
                .SetProperty(b => b.DecisionReason, reason), context.CancellationToken);
        if (closed == 0)
        {
            var earlier = await db.Batches.AsNoTracking().Where(b => b.BatchId == batchId).Select(b => b.Decision).ToListAsync(context.CancellationToken);
            if (earlier.Count == 0 || earlier[0] != decision)
            {
                logger.LogWarning("Batch decision {Decision} by {Approver} on batch {BatchId} ignored: {Why}", decision, approver, batchId,
                    earlier.Count == 0 ? "no such batch" : $"already {earlier[0]}");
                return;
            }
        }

        var members = await db.Writes.AsNoTracking()
            .Where(w => w.BatchId == batchId && w.CurrentState == WriteStates.HeldForBulkReview)
            .Select(w => w.CorrelationId).ToListAsync(context.CancellationToken);
        await tx.CommitAsync(context.CancellationToken);

        logger.LogInformation("Batch {BatchId} {Decision} by {Approver}: {Count} writes", batchId, decision, approver, members.Count);
        foreach (var id in members)
        {
            await context.Publish(new BatchWriteDecided
            {
                CorrelationId = id, BatchId = batchId, Released = released, Approver = approver, Reason = reason, DecidedAt = at,
            }, context.CancellationToken);
        }
    }
}
