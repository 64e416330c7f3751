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
    public record BatchSummary(Guid BatchId, string Source, string Kind, int Count, string Reason, DateTimeOffset OpenedAt, string ContentHash);

    public static RouteGroupBuilder MapBatches(this RouteGroupBuilder group)
    {
        group.MapGet("/batches", async (WriterDbContext db, CancellationToken ct) =>
        {
            var batches = await db.Batches.AsNoTracking().Where(b => b.ClosedAt == null).OrderBy(b => b.OpenedAt).ToListAsync(ct);
            var summaries = new List<BatchSummary>(batches.Count);
            foreach (var b in batches)
                summaries.Add(Summarize(b, await BatchContent.MembersAsync(db, b.BatchId, ct)));
            return Results.Ok(summaries);
        }).WithSummary("Open bulk-review batches, oldest first, each with the contentHash a release or reject names.");

        group.MapPost("/batches/{batchId:guid}/release", (Guid batchId, ApprovalEndpoints.Decision? body, ClaimsPrincipal user,
                WriterDbContext db, IPublishEndpoint bus, TimeProvider clock, CancellationToken ct) =>
            DecideAsync(batchId, BatchDecisionConsumer.ReleasedDecision, body, versionRequired: true, db, ct, () => bus.Publish(new ReleaseBatch
            {
                BatchId = batchId, Approver = user.Identity!.Name!, ContentHash = body?.ContentHash, Reason = body?.Reason, DecidedAt = clock.GetUtcNow(),
            }, ct)));

        group.MapPost("/batches/{batchId:guid}/reject", (Guid batchId, ApprovalEndpoints.Decision? body, ClaimsPrincipal user,
                WriterDbContext db, IPublishEndpoint bus, TimeProvider clock, CancellationToken ct) =>
            DecideAsync(batchId, BatchDecisionConsumer.RejectedDecision, body, versionRequired: false, db, ct, () => bus.Publish(new RejectBatch
            {
                BatchId = batchId, Approver = user.Identity!.Name!, ContentHash = body?.ContentHash, Reason = body?.Reason, DecidedAt = clock.GetUtcNow(),
            }, ct)));
        return group;
    }

    private static BatchSummary Summarize(BulkBatch b, IReadOnlyCollection<BatchContent.Member> members) =>
        new(b.BatchId, b.Source, b.Kind, members.Count, b.Reason, b.OpenedAt, BatchContent.Hash(members));

    private static async Task<IResult> DecideAsync(Guid batchId, string decision, ApprovalEndpoints.Decision? body, bool versionRequired,
        WriterDbContext db, CancellationToken ct, Func<Task> publish)
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
        if (versionRequired && string.IsNullOrWhiteSpace(body?.ContentHash))
            return Results.Problem(statusCode: 400, title: "Name the batch as you reviewed it.",
                detail: "Send the batch's contentHash (GET /approvals/batches shows it): a batch can gain or change writes while it waits.");
        var current = Summarize(batch, await BatchContent.MembersAsync(db, batchId, ct));
        if (body?.ContentHash is { } named && named != current.ContentHash)
            return Results.Problem(statusCode: 409, title: "The batch changed since you saw it.",
                detail: $"It now holds {current.Count} writes. Nothing was decided: review it again (in 'current') and decide.",
                extensions: new Dictionary<string, object?> { ["contentHash"] = current.ContentHash, ["current"] = current });
        await publish();
        return Results.Accepted($"/approvals?state={WriteStates.HeldForBulkReview}", new { batchId, state = "decision published" });
    }
}
