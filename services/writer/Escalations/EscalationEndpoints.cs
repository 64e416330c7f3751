using System.Security.Claims;
using System.Text.Json;
using Agents.Writer.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Agents.Writer.Escalations;

/// <summary>
/// The escalation inbox's API (an approver's token): the list, newest and most urgent first, filtered by state, reason
/// and source; one escalation; claim and close. Claims and closes change the row (a person's work, not a CRM write):
/// they need no saga, and the conditional UPDATE settles two people clicking at once. Routes: <see cref="WriterApi"/>.
/// </summary>
public static class EscalationEndpoints
{
    private const int NoteLength = 2000;

    public record Close(string? Note);

    public record CrmWrite(Guid Id, string State, string? Adapter, string? FailureReason);

    public record EscalationSummary(
        long Id, string State, string Source, string ExternalId, int Generation, DateTimeOffset? TicketUpdatedAt,
        string Reason, string ReasonText, JsonElement? Classification, string? Priority, double? Confidence,
        string Subject, string Excerpt, DateTimeOffset EscalatedAt, DateTimeOffset ReceivedAt, DateTimeOffset LastSeenAt, int DuplicateCount,
        string? ClaimedBy, DateTimeOffset? ClaimedAt, string? ClosedBy, DateTimeOffset? ClosedAt, string? CloseNote,
        string? Link, CrmWrite? CrmWrite);

    /// <summary>GET /escalations: filtered by state (default active), reason and source.</summary>
    public static async Task<Results<Ok<List<EscalationSummary>>, ProblemHttpResult>> ListAsync(string? state, string? reason, string? source,
        int? limit, WriterDbContext db, TicketLinks links, CancellationToken ct)
    {
        var wanted = string.IsNullOrWhiteSpace(state) ? EscalationStates.Active : state.Trim().ToLowerInvariant();
        var all = db.Escalations.AsNoTracking();
        var rows = wanted switch
        {
            EscalationStates.Active => all.Where(e => e.ClosedAt == null),
            EscalationStates.Open => all.Where(e => e.ClosedAt == null && e.ClaimedBy == null),
            EscalationStates.Claimed => all.Where(e => e.ClosedAt == null && e.ClaimedBy != null),
            EscalationStates.Closed => all.Where(e => e.ClosedAt != null),
            "all" => all,
            _ => null,
        };
        if (rows is null)
            return TypedResults.Problem(statusCode: 400, title: $"Unknown state '{state}'.",
                detail: "Use active (open or claimed, the default), open, claimed, closed or all.");
        if (!string.IsNullOrWhiteSpace(reason))
            rows = rows.Where(e => e.ReasonKind == reason.Trim());
        if (!string.IsNullOrWhiteSpace(source))
            rows = rows.Where(e => e.Source == source.Trim().ToLowerInvariant());
        // Closed: most recently closed first. Otherwise the most urgent first, and the newest within a priority.
        rows = wanted == EscalationStates.Closed
            ? rows.OrderByDescending(e => e.ClosedAt).ThenByDescending(e => e.Id)
            : rows.OrderBy(e => e.PriorityRank).ThenByDescending(e => e.EscalatedAt).ThenByDescending(e => e.Id);
        var page = await rows.Take(Math.Clamp(limit ?? 200, 1, 1000)).ToListAsync(ct);
        return TypedResults.Ok(await SummarizeAsync(page, db, links, ct));
    }

    /// <summary>GET /escalations/{id}.</summary>
    public static async Task<Results<Ok<EscalationSummary>, ProblemHttpResult>> GetAsync(long id, WriterDbContext db, TicketLinks links,
        CancellationToken ct)
    {
        var row = await db.Escalations.AsNoTracking().SingleOrDefaultAsync(e => e.Id == id, ct);
        return row is null ? NotFound() : TypedResults.Ok((await SummarizeAsync([row], db, links, ct))[0]);
    }

    /// <summary>POST /escalations/{id}/claim.</summary>
    public static async Task<Results<Ok<EscalationSummary>, ProblemHttpResult>> ClaimAsync(long id, ClaimsPrincipal user, EscalationClaims claims,
        WriterDbContext db, TicketLinks links, CancellationToken ct)
    {
        var me = user.Identity!.Name!;
        var (result, row) = await claims.ClaimAsync(id, me, ct);
        return result switch
        {
            ClaimResult.NotFound => NotFound(),
            ClaimResult.Conflict when row!.ClosedAt is not null => Conflict(row, $"Closed by {row.ClosedBy}.",
                $"{row.ClosedBy} closed it at {row.ClosedAt:O}: {row.CloseNote}"),
            ClaimResult.Conflict => Conflict(row!, $"Claimed by {row!.ClaimedBy}.",
                $"{row.ClaimedBy} has had it since {row.ClaimedAt:O}: ask them, or pick another one."),
            _ => TypedResults.Ok((await SummarizeAsync([row!], db, links, ct))[0]),
        };
    }

    /// <summary>POST /escalations/{id}/close with a note.</summary>
    public static async Task<Results<Ok<EscalationSummary>, ProblemHttpResult>> CloseAsync(long id, Close? body, ClaimsPrincipal user,
        EscalationClaims claims, WriterDbContext db, TicketLinks links, CancellationToken ct)
    {
        var note = body?.Note?.Trim() ?? "";
        if (note.Length == 0)
            return TypedResults.Problem(statusCode: 400, title: "Say what was done.",
                detail: "Send {\"note\": \"…\"}: the note is what the next person reads about this ticket.");
        if (note.Length > NoteLength)
            return TypedResults.Problem(statusCode: 400, title: $"The note is longer than {NoteLength} characters.");
        var me = user.Identity!.Name!;
        var (result, row) = await claims.CloseAsync(id, me, note, ct);
        return result switch
        {
            ClaimResult.NotFound => NotFound(),
            ClaimResult.Conflict when row!.ClosedAt is not null => Conflict(row, $"Already closed by {row.ClosedBy}.",
                $"{row.ClosedBy} closed it at {row.ClosedAt:O}: {row.CloseNote}"),
            ClaimResult.Conflict => Conflict(row!, $"Claimed by {row!.ClaimedBy}.",
                $"{row.ClaimedBy} has had it since {row.ClaimedAt:O}: only they can close it."),
            _ => TypedResults.Ok((await SummarizeAsync([row!], db, links, ct))[0]),
        };
    }

    private static ProblemHttpResult NotFound() => TypedResults.Problem(statusCode: 404, title: "No such escalation.");

    private static ProblemHttpResult Conflict(Escalation row, string title, string detail) =>
        TypedResults.Problem(statusCode: 409, title: title, detail: detail, extensions: new Dictionary<string, object?>
        {
            ["state"] = row.State, ["claimedBy"] = row.ClaimedBy, ["claimedAt"] = row.ClaimedAt, ["closedBy"] = row.ClosedBy, ["closedAt"] = row.ClosedAt,
        });

    /// <summary>The rows as the API shows them, each with its ticket's link and the state of its escalate write.</summary>
    private static async Task<List<EscalationSummary>> SummarizeAsync(IReadOnlyList<Escalation> rows, WriterDbContext db, TicketLinks links,
        CancellationToken ct)
    {
        var writeIds = rows.Select(r => EscalateProposal.WriteIdFor(r.Source, r.ExternalId)).Distinct().ToList();
        var writes = await db.Writes.AsNoTracking()
            .Where(w => writeIds.Contains(w.CorrelationId))
            .Select(w => new CrmWrite(w.CorrelationId, w.CurrentState, w.Adapter, w.FailureReason))
            .ToDictionaryAsync(w => w.Id, ct);
        return rows.Select(r => new EscalationSummary(
            r.Id, r.State, r.Source, r.ExternalId, r.Generation, r.TicketUpdatedAt, r.ReasonKind, r.Reason,
            r.Classification is null ? null : JsonSerializer.Deserialize<JsonElement>(r.Classification), r.Priority, r.Confidence,
            r.Subject, r.Excerpt, r.EscalatedAt, r.ReceivedAt, r.LastSeenAt, r.DuplicateCount,
            r.ClaimedBy, r.ClaimedAt, r.ClosedBy, r.ClosedAt, r.CloseNote,
            links.For(r.Source, r.ExternalId), writes.GetValueOrDefault(EscalateProposal.WriteIdFor(r.Source, r.ExternalId)))).ToList();
    }
}
