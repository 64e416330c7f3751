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
public sealed class BatchDecisionConsumer(IDbContextFactory<WriterDbContext> dbFactory, TimeProvider clock, ILogger<BatchDecisionConsumer> logger) :
    IConsumer<ReleaseBatch>,
    IConsumer<RejectBatch>
{
    public const string ReleasedDecision = "released";
    public const string RejectedDecision = "rejected";

    public Task Consume(ConsumeContext<ReleaseBatch> context) =>
        DecideAsync(context, context.Message.BatchId, released: true, context.Message.Approver, context.Message.Reason,
            context.Message.DecidedAt, context.Message.ContentHash, versionRequired: true);

    public Task Consume(ConsumeContext<RejectBatch> context) =>
        DecideAsync(context, context.Message.BatchId, released: false, context.Message.Approver, context.Message.Reason,
            context.Message.DecidedAt, context.Message.ContentHash, versionRequired: false);

    private async Task DecideAsync(ConsumeContext context, Guid batchId, bool released, string approver, string? reason,
        DateTimeOffset decidedAt, string? named, bool versionRequired)
    {
        var decision = released ? ReleasedDecision : RejectedDecision;
        var at = decidedAt == default ? clock.GetUtcNow() : decidedAt;
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

        var members = await BatchContent.MembersAsync(db, batchId, context.CancellationToken);
        // Checked once the batch is closed (no write can join it any more), and only by the message that closed it: a
        // redelivered copy sends the decision on to the writes still held, whatever they are now (each checks its own).
        if (closed == 1 && (versionRequired || named is not null) && named != BatchContent.Hash(members))
        {
            logger.LogWarning("Batch decision {Decision} by {Approver} on batch {BatchId} not taken: the batch changed since it was seen (now {Count} writes)",
                decision, approver, batchId, members.Count);
            return; // rolled back: the batch stays open
        }
        await tx.CommitAsync(context.CancellationToken);

        logger.LogInformation("Batch {BatchId} {Decision} by {Approver}: {Count} writes", batchId, decision, approver, members.Count);
        foreach (var member in members)
        {
            await context.Publish(new BatchWriteDecided
            {
                CorrelationId = member.CorrelationId, BatchId = batchId, Released = released, Approver = approver,
                ContentHash = member.ContentHash, Reason = reason, DecidedAt = at,
            }, context.CancellationToken);
        }
    }
}
