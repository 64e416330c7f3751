using System.Security.Claims;
using Agents.Contracts;
using Agents.Writer.Crm;
using Agents.Writer.Persistence;
using Agents.Writer.Sagas;
using MassTransit;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using DecisionResult = Microsoft.AspNetCore.Http.HttpResults.Results<
    Microsoft.AspNetCore.Http.HttpResults.Accepted<Agents.Writer.Approvals.ApprovalEndpoints.DecisionPublished>,
    Microsoft.AspNetCore.Http.HttpResults.Ok<Agents.Writer.Approvals.ApprovalEndpoints.DecisionRepeated>,
    Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult>;

namespace Agents.Writer.Approvals;

/// <summary>
/// The approval API's handlers (routes: <see cref="WriterApi"/>). It reads the saga table, but every decision goes on the bus as ApproveWrite/RejectWrite:
/// the saga alone changes state, whichever writer instance receives it.
/// </summary>
public static class ApprovalEndpoints
{
    /// <summary>
    /// A person's decision: why, the version of the write (<c>contentHash</c>) it was taken on, and for an approval of a
    /// reply or a note, the text as the approver edited it (<c>body</c>; absent or unchanged: as proposed).
    /// </summary>
    public record Decision(string? Reason, string? ContentHash, string? Body = null);

    /// <summary>The longest text an approver may send (a reply; the vendors take more, people should not).</summary>
    public const int MaxEditedText = 10_000;

    /// <summary>
    /// A write as the API answers it: what is stored as JSON text (changes, before, classification, notes) is answered
    /// as JSON values, so a client reads them without parsing a string a second time.
    /// </summary>
    public record WriteSummary(
        Guid Id, string State, string IdempotencyKey, string Source, string ExternalId, string Kind,
        IReadOnlyDictionary<string, string> Changes, IReadOnlyDictionary<string, string?> Before, int RecordCount, string Subject, string Excerpt,
        Classification? Classification, DateTimeOffset ProposedAt, DateTimeOffset ExpiresAt, int DuplicateCount,
        string? DecidedBy, string? DecisionReason, DateTimeOffset? DecidedAt, DateTimeOffset? AppliedAt, string? FailureReason,
        Guid? BatchId, string? BulkReason, string? Adapter, string ContentHash, int Generation, DateTimeOffset? TicketUpdatedAt,
        IReadOnlyList<string> Notes);

    /// <summary>One write and its audit entries, oldest first.</summary>
    public record WriteDetail(WriteSummary Write, IReadOnlyList<AuditEntry> History);

    /// <summary>The answer when a decision is on the bus: the saga takes it from there.</summary>
    public record DecisionPublished(Guid Id, string State);

    /// <summary>The answer when the same decision was already taken on the version named: nothing changed.</summary>
    public record DecisionRepeated(Guid Id, string State, string ContentHash, string Note);

    /// <summary>GET /approvals: writes in a state (default: awaiting approval), newest first.</summary>
    public static async Task<Ok<IEnumerable<WriteSummary>>> ListAsync(WriterDbContext db, string? state, int? limit, CancellationToken ct)
    {
        var wanted = state ?? WriteStates.AwaitingApproval;
        var rows = await db.Writes.AsNoTracking()
            .Where(w => wanted == "all" || w.CurrentState == wanted)
            .OrderByDescending(w => w.ProposedAt)
            .Take(Math.Clamp(limit ?? 200, 1, 1000))
            .ToListAsync(ct);
        return TypedResults.Ok(rows.Select(Summarize));
    }

    /// <summary>GET /approvals/{id}: one write and its audit entries.</summary>
    public static async Task<Results<Ok<WriteDetail>, ProblemHttpResult>> GetAsync(Guid id, WriterDbContext db, CancellationToken ct)
    {
        var write = await db.Writes.AsNoTracking().SingleOrDefaultAsync(w => w.CorrelationId == id, ct);
        if (write is null)
            return TypedResults.Problem(statusCode: 404, title: "No such write.");
        var history = await db.Audit.AsNoTracking().Where(a => a.CorrelationId == id).OrderBy(a => a.Id).ToListAsync(ct);
        return TypedResults.Ok(new WriteDetail(Summarize(write), history));
    }

    /// <summary>POST /approvals/{id}/approve: publishes ApproveWrite, with the approver's edited text if any.</summary>
    public static Task<DecisionResult> ApproveAsync(Guid id, Decision? body, ClaimsPrincipal user, WriterDbContext db, IPublishEndpoint bus,
        TimeProvider clock, IOptions<WriterOptions> options, CancellationToken ct) =>
        Decide(id, body, versionRequired: true, user, db, options.Value, ct, "approve", [WriteStates.Applying, WriteStates.Applied], (approver, write, token) =>
        {
            var edited = EditedChanges(write, body?.Body);
            return bus.Publish(new ApproveWrite
            {
                CorrelationId = id, Approver = approver, ContentHash = body?.ContentHash, Reason = body?.Reason, DecidedAt = clock.GetUtcNow(),
                EditedChanges = edited,
                EditedContentHash = edited is null ? null : WriteContent.Edited(body!.ContentHash!, edited),
            }, token);
        });

    /// <summary>POST /approvals/{id}/reject: publishes RejectWrite.</summary>
    public static Task<DecisionResult> RejectAsync(Guid id, Decision? body, ClaimsPrincipal user, WriterDbContext db, IPublishEndpoint bus,
        TimeProvider clock, IOptions<WriterOptions> options, CancellationToken ct) =>
        Decide(id, body, versionRequired: false, user, db, options.Value, ct, "reject", [WriteStates.Rejected], (approver, _, token) => bus.Publish(new RejectWrite
        {
            CorrelationId = id, Approver = approver, ContentHash = body?.ContentHash, Reason = body?.Reason, DecidedAt = clock.GetUtcNow(),
        }, token));

    /// <summary>GET /journal: the writes the journal adapter applied, newest first.</summary>
    public static async Task<Ok<IEnumerable<JournalRow>>> JournalAsync(WriterDbContext db, int? limit, CancellationToken ct) =>
        TypedResults.Ok((await db.Journal.AsNoTracking().OrderByDescending(j => j.Id).Take(Math.Clamp(limit ?? 200, 1, 1000)).ToListAsync(ct))
            .Select(JournalRow.Of));

    /// <summary>
    /// Answers from the write's current state: 202 the decision is on the bus; 200 it was already taken this way on
    /// the version it names (approving a write being or already applied, rejecting a rejected one: harmless, nothing
    /// published, so two approvers clicking at once both succeed whichever arrives after the apply); 409 it can no
    /// longer be taken, it was taken on another version (or an approval of a decided write names none), or the write
    /// changed since the version the decision names (the answer carries the current one); 400 an approval of a
    /// waiting write that names no version. The saga checks the version again under its row lock: a change between
    /// this check and the decision's arrival refuses it there (audited), so nothing unseen is applied either way.
    /// </summary>
    private static async Task<DecisionResult> Decide(Guid id, Decision? body, bool versionRequired, ClaimsPrincipal user, WriterDbContext db,
        WriterOptions options, CancellationToken ct, string verb, string[] alreadyDone, Func<string, WriteApprovalState, CancellationToken, Task> publish)
    {
        var write = await db.Writes.AsNoTracking().SingleOrDefaultAsync(w => w.CorrelationId == id, ct);
        if (write is null)
            return TypedResults.Problem(statusCode: 404, title: "No such write.");
        if (alreadyDone.Contains(write.CurrentState))
            return AlreadyDecided(id, body?.ContentHash, versionRequired, verb, write);
        if (write.CurrentState == WriteStates.HeldForBulkReview)
            return TypedResults.Problem(statusCode: 409, title: $"Cannot {verb}: the write is held for bulk review.",
                detail: $"Release or reject its batch as a whole: POST /approvals/batches/{write.BatchId}/release or /reject.",
                extensions: new Dictionary<string, object?> { ["state"] = write.CurrentState, ["batchId"] = write.BatchId });
        if (write.CurrentState != WriteStates.AwaitingApproval)
            return TypedResults.Problem(statusCode: 409, title: $"Cannot {verb}: the write is {write.CurrentState}.",
                detail: "Only a write awaiting approval can be decided.",
                extensions: new Dictionary<string, object?> { ["state"] = write.CurrentState });
        if (versionRequired && string.IsNullOrWhiteSpace(body?.ContentHash))
            return TypedResults.Problem(statusCode: 400, title: $"Name the version you {verb}.",
                detail: $"Send the contentHash of the write as you reviewed it (GET /approvals/{id} shows it): a write can change while it waits.");
        if (body?.ContentHash is { } named && named != write.ContentHash)
            return TypedResults.Problem(statusCode: 409, title: $"Cannot {verb}: the write changed since you saw it.",
                detail: $"You saw version {WriteContent.Short(named)}; it is now {WriteContent.Short(write.ContentHash)}. Nothing was applied: review the current version (in 'current') and decide again.",
                extensions: new Dictionary<string, object?> { ["state"] = write.CurrentState, ["contentHash"] = write.ContentHash, ["current"] = Summarize(write) });

        if (body?.Body is { } text && (verb != "approve" || !WriteKinds.Texts.Contains(write.Kind)))
            return TypedResults.Problem(statusCode: 400, title: $"Only the text of a reply or a note can be edited, and only when approving.",
                detail: $"This is a {write.Kind} write: send no 'body'.");
        if (body?.Body is { } edit && (edit.Trim().Length == 0 || edit.Length > MaxEditedText))
            return TypedResults.Problem(statusCode: 400, title: "The edited text must not be empty or longer than 10000 characters.",
                detail: "Nothing was decided: fix the text and approve again.");

        if (await DecisionPublishing.PublishAsync(token => publish(user.Identity!.Name!, write, token), options.DecisionPublishTimeout, ct) is { } unconfirmed)
            return unconfirmed;
        return TypedResults.Accepted($"/approvals/{id}", new DecisionPublished(id, "decision published"));
    }

    /// <summary>The write's changes with the approver's text, or null when they left it as proposed.</summary>
    private static Dictionary<string, string>? EditedChanges(WriteApprovalState write, string? text)
    {
        var changes = ProposalContent.Changes(write.Changes).ToDictionary();
        if (text is null || (changes.TryGetValue(ApproverEdits.TextField, out var proposed) && proposed == text))
            return null;
        changes[ApproverEdits.TextField] = text;
        return changes;
    }

    /// <summary>
    /// The same decision again: 200 when it names the version decided (or, for a rejection, none), else 409. The
    /// content hash is the write's identity for the approver, so "approve what I saw" twice is one decision.
    /// </summary>
    private static DecisionResult AlreadyDecided(Guid id, string? named, bool versionRequired, string verb, WriteApprovalState write)
    {
        if (named == write.ContentHash || named is null && !versionRequired)
            return TypedResults.Ok(new DecisionRepeated(id, write.CurrentState, write.ContentHash, "Already decided this way; nothing changed."));
        return TypedResults.Problem(statusCode: 409, title: $"Cannot {verb}: the write is {write.CurrentState}.",
            detail: named is null
                ? $"It was decided on version {WriteContent.Short(write.ContentHash)}; name that version to confirm the decision."
                : $"It was decided on version {WriteContent.Short(write.ContentHash)}, not {WriteContent.Short(named)}; nothing changed.",
            extensions: new Dictionary<string, object?> { ["state"] = write.CurrentState, ["contentHash"] = write.ContentHash });
    }

    private static WriteSummary Summarize(WriteApprovalState w) => new(
        w.CorrelationId, w.CurrentState, w.IdempotencyKey, w.Source, w.ExternalId, w.Kind,
        ProposalContent.Changes(w.Changes), ProposalContent.Before(w.Before), w.RecordCount, w.Subject, w.Excerpt, ProposalContent.Classification(w.Classification),
        w.ProposedAt, w.ExpiresAt, w.DuplicateCount, w.DecidedBy, w.DecisionReason, w.DecidedAt, w.AppliedAt, w.FailureReason,
        w.BatchId, w.BulkReason, w.Adapter, w.ContentHash, w.Generation, w.TicketUpdatedAt,
        w.Notes is null ? [] : System.Text.Json.JsonSerializer.Deserialize<List<string>>(w.Notes) ?? []);
}
