using System.Security.Claims;
using Agents.Contracts;
using Agents.Writer.BulkGuard;
using Agents.Writer.Persistence;
using Agents.Writer.Sagas;
using MassTransit;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using BatchDecisionResult = Microsoft.AspNetCore.Http.HttpResults.Results<
    Microsoft.AspNetCore.Http.HttpResults.Accepted<Agents.Writer.Approvals.BatchEndpoints.BatchDecisionPublished>,
    Microsoft.AspNetCore.Http.HttpResults.Ok<Agents.Writer.Approvals.BatchEndpoints.BatchDecisionRepeated>,
    Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult>;

namespace Agents.Writer.Approvals;

/// <summary>
/// Bulk-review batches (routes: <see cref="WriterApi"/>): list the open ones, release or reject one as a whole. Decisions go on the bus
/// (<see cref="ReleaseBatch"/>/<see cref="RejectBatch"/>); <see cref="BatchDecisionConsumer"/> closes the batch.
/// </summary>
public static class BatchEndpoints
{
    public record BatchSummary(Guid BatchId, string Source, string Kind, int Count, string Reason, DateTimeOffset OpenedAt, string ContentHash);

    /// <summary>The answer when a batch decision is on the bus.</summary>
    public record BatchDecisionPublished(Guid BatchId, string State);

    /// <summary>The answer when the batch was already decided this way: nothing changed.</summary>
    public record BatchDecisionRepeated(Guid BatchId, string Decision, string Note);

    /// <summary>GET /approvals/batches: the open batches, oldest first.</summary>
    public static async Task<Ok<List<BatchSummary>>> ListAsync(WriterDbContext db, CancellationToken ct)
    {
        var batches = await db.Batches.AsNoTracking().Where(b => b.ClosedAt == null).OrderBy(b => b.OpenedAt).ToListAsync(ct);
        var summaries = new List<BatchSummary>(batches.Count);
        foreach (var b in batches)
            summaries.Add(Summarize(b, await BatchContent.MembersAsync(db, b.BatchId, ct)));
        return TypedResults.Ok(summaries);
    }

    /// <summary>POST /approvals/batches/{batchId}/release: publishes ReleaseBatch.</summary>
    public static Task<BatchDecisionResult> ReleaseAsync(Guid batchId, ApprovalEndpoints.Decision? body, ClaimsPrincipal user,
        WriterDbContext db, IPublishEndpoint bus, TimeProvider clock, IOptions<WriterOptions> options, CancellationToken ct) =>
        DecideAsync(batchId, BatchDecisionConsumer.ReleasedDecision, body, versionRequired: true, db, options.Value, ct, token => bus.Publish(new ReleaseBatch
        {
            BatchId = batchId, Approver = user.Identity!.Name!, ContentHash = body?.ContentHash, Reason = body?.Reason, DecidedAt = clock.GetUtcNow(),
        }, token));

    /// <summary>POST /approvals/batches/{batchId}/reject: publishes RejectBatch.</summary>
    public static Task<BatchDecisionResult> RejectAsync(Guid batchId, ApprovalEndpoints.Decision? body, ClaimsPrincipal user,
        WriterDbContext db, IPublishEndpoint bus, TimeProvider clock, IOptions<WriterOptions> options, CancellationToken ct) =>
        DecideAsync(batchId, BatchDecisionConsumer.RejectedDecision, body, versionRequired: false, db, options.Value, ct, token => bus.Publish(new RejectBatch
        {
            BatchId = batchId, Approver = user.Identity!.Name!, ContentHash = body?.ContentHash, Reason = body?.Reason, DecidedAt = clock.GetUtcNow(),
        }, token));

    private static BatchSummary Summarize(BulkBatch b, IReadOnlyCollection<BatchContent.Member> members) =>
        new(b.BatchId, b.Source, b.Kind, members.Count, b.Reason, b.OpenedAt, BatchContent.Hash(members));

    private static async Task<BatchDecisionResult> DecideAsync(Guid batchId, string decision, ApprovalEndpoints.Decision? body, bool versionRequired,
        WriterDbContext db, WriterOptions options, CancellationToken ct, Func<CancellationToken, Task> publish)
    {
        var batch = await db.Batches.AsNoTracking().SingleOrDefaultAsync(b => b.BatchId == batchId, ct);
        if (batch is null)
            return TypedResults.Problem(statusCode: 404, title: "No such batch.");
        if (batch.ClosedAt is not null && batch.Decision == decision)
            return TypedResults.Ok(new BatchDecisionRepeated(batchId, decision, "Already decided this way; nothing changed."));
        if (batch.ClosedAt is not null)
            return TypedResults.Problem(statusCode: 409, title: $"The batch was already {batch.Decision}.",
                detail: $"Decided by {batch.DecidedBy} at {batch.ClosedAt:O}.",
                extensions: new Dictionary<string, object?> { ["decision"] = batch.Decision });
        if (versionRequired && string.IsNullOrWhiteSpace(body?.ContentHash))
            return TypedResults.Problem(statusCode: 400, title: "Name the batch as you reviewed it.",
                detail: "Send the batch's contentHash (GET /approvals/batches shows it): a batch can gain or change writes while it waits.");
        var current = Summarize(batch, await BatchContent.MembersAsync(db, batchId, ct));
        if (body?.ContentHash is { } named && named != current.ContentHash)
            return TypedResults.Problem(statusCode: 409, title: "The batch changed since you saw it.",
                detail: $"It now holds {current.Count} writes. Nothing was decided: review it again (in 'current') and decide.",
                extensions: new Dictionary<string, object?> { ["contentHash"] = current.ContentHash, ["current"] = current });
        if (await DecisionPublishing.PublishAsync(publish, options.DecisionPublishTimeout, ct) is { } unconfirmed)
            return unconfirmed;
        return TypedResults.Accepted($"/approvals?state={WriteStates.HeldForBulkReview}", new BatchDecisionPublished(batchId, "decision published"));
    }
}
