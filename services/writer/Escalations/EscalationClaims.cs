using Agents.Writer.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Agents.Writer.Escalations;

/// <summary>What a claim or a close did.</summary>
public enum ClaimResult
{
    /// <summary>Done now.</summary>
    Done,

    /// <summary>It was so already (claimed or closed by the same person): nothing changed.</summary>
    Already,

    /// <summary>Another person holds it, or closed it.</summary>
    Conflict,

    NotFound,
}

/// <summary>
/// Claiming and closing escalations: each one conditional UPDATE, so two people clicking at once cannot both win
/// (the row decides, whichever writer instance they reach). A person claims an open escalation; closes one they hold,
/// or an open one (claimed and closed at once); another person's claim or close is a conflict naming them.
/// </summary>
public sealed class EscalationClaims(WriterDbContext db, TimeProvider clock)
{
    public async Task<(ClaimResult Result, Escalation? Row)> ClaimAsync(long id, string person, CancellationToken cancellationToken)
    {
        var changed = await db.Database.ExecuteSqlInterpolatedAsync($"""
            UPDATE escalations SET "ClaimedBy" = {person}, "ClaimedAt" = {clock.GetUtcNow()}, "Change" = nextval('escalation_changes')
            WHERE "Id" = {id} AND "ClosedAt" IS NULL AND "ClaimedBy" IS NULL
            """, cancellationToken);
        var row = await FindAsync(id, cancellationToken);
        if (row is null)
            return (ClaimResult.NotFound, null);
        if (changed == 1)
            return (ClaimResult.Done, row);
        return (row.ClosedAt is null && row.ClaimedBy == person ? ClaimResult.Already : ClaimResult.Conflict, row);
    }

    public async Task<(ClaimResult Result, Escalation? Row)> CloseAsync(long id, string person, string note, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var changed = await db.Database.ExecuteSqlInterpolatedAsync($"""
            UPDATE escalations SET "ClosedBy" = {person}, "ClosedAt" = {now}, "CloseNote" = {note},
                "ClaimedBy" = coalesce("ClaimedBy", {person}), "ClaimedAt" = coalesce("ClaimedAt", {now}),
                "Change" = nextval('escalation_changes')
            WHERE "Id" = {id} AND "ClosedAt" IS NULL AND ("ClaimedBy" IS NULL OR "ClaimedBy" = {person})
            """, cancellationToken);
        var row = await FindAsync(id, cancellationToken);
        if (row is null)
            return (ClaimResult.NotFound, null);
        if (changed == 1)
            return (ClaimResult.Done, row);
        return (row.ClosedAt is not null && row.ClosedBy == person ? ClaimResult.Already : ClaimResult.Conflict, row);
    }

    private Task<Escalation?> FindAsync(long id, CancellationToken cancellationToken) =>
        db.Escalations.AsNoTracking().SingleOrDefaultAsync(e => e.Id == id, cancellationToken);
}
