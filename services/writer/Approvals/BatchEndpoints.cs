using System.Security.Claims;
using Agents.Contracts;
using Agents.Writer.BulkGuard;
using Agents.Writer.Persistence;
using Agents.Writer.Sagas;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace Agents.Writer.Approvals;

/// <summary>
/// Bulk-review batches: list the open ones, release or reject one as a whole. Decisions go on the bus
/// (<see cref="ReleaseBatch"/>/<see cref="RejectBatch"/>); <see cref="BatchDecisionConsumer"/> closes the batch.
/// </summary>
public static class BatchEndpoints
{
    public record BatchSummary(Guid BatchId, string Kind, int Count, string Reason, DateTimeOffset OpenedAt);

    public static RouteGroupBuilder MapBatches(this RouteGroupBuilder group)
    {
        group.MapGet("/batches", async (WriterDbContext db, CancellationToken ct) =>
        {
            var batches = await db.Batches.AsNoTracking().Where(b => b.ClosedAt == null).OrderBy(b => b.OpenedAt)
                .Select(b => new BatchSummary(b.BatchId, b.Kind,
                    db.Writes.Count(w => w.BatchId == b.BatchId && w.CurrentState == WriteStates.HeldForBulkReview),
                    b.Reason, b.OpenedAt))
                .ToListAsync(ct);
            return Results.Ok(batches);
        }).WithSummary("Open bulk-review batches, oldest first.");

        group.MapPost("/batches/{batchId:guid}/release", (Guid batchId, ApprovalEndpoints.Decision? body, ClaimsPrincipal user,
                WriterDbContext db, IPublishEndpoint bus, CancellationToken ct) =>
            DecideAsync(batchId, BatchDecisionConsumer.ReleasedDecision, db, ct, () => bus.Publish(new ReleaseBatch
            {
                BatchId = batchId, Approver = user.Identity!.Name!, Reason = body?.Reason, DecidedAt = DateTimeOffset.UtcNow,
            }, ct)));

        group.MapPost("/batches/{batchId:guid}/reject", (Guid batchId, ApprovalEndpoints.Decision? body, ClaimsPrincipal user,
                WriterDbContext db, IPublishEndpoint bus, CancellationToken ct) =>
            DecideAsync(batchId, BatchDecisionConsumer.RejectedDecision, db, ct, () => bus.Publish(new RejectBatch
            {
                BatchId = batchId, Approver = user.Identity!.Name!, Reason = body?.Reason, DecidedAt = DateTimeOffset.UtcNow,
            }, ct)));
        return group;
    }

    private static async Task<IResult> DecideAsync(Guid batchId, string decision, WriterDbContext db, CancellationToken ct, Func<Task> publish)
    {
        var batch = await db.Batches.AsNoTracking().SingleOrDefaultAsync(b => b.BatchId == batchId, ct);
        if (batch is null)
            return Results.Problem(statusCode: 404, title: "No such batch.");
        if (batch.ClosedAt is not null && batch.Decision == decision)
            return Results.Ok(new { batchId, decision, note = "Already decided this way; nothing changed." });
        if (batch.ClosedAt is not null)
            return Results.Problem(statusCode: 409, title: $"The batch was already {batch.Decision}.",
                detail: $"Decided by {batch.DecidedBy} at {batch.ClosedAt:O}.",
                extensions: new Dictionary<string, object?> { ["decision"] = batch.Decision });
        await publish();
        return Results.Accepted($"/approvals?state={WriteStates.HeldForBulkReview}", new { batchId, state = "decision published" });
    }
}
