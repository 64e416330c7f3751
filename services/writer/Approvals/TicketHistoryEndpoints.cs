using Agents.Contracts;
using Agents.Writer.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Agents.Writer.Approvals;

/// <summary>Every write proposed for one ticket and every decision on it: who, when, what (route: <see cref="WriterApi"/>).</summary>
public static class TicketHistoryEndpoints
{
    public record HistoryEntry(DateTimeOffset At, int Generation, string Action, string Actor, string? Detail);

    public record WriteHistory(Guid Id, string Kind, string State, IReadOnlyList<HistoryEntry> Entries);

    /// <summary>GET /approvals/history?source=…&amp;externalId=…</summary>
    public static async Task<Results<Ok<IEnumerable<WriteHistory>>, ProblemHttpResult>> GetAsync(string? source, string? externalId,
        WriterDbContext db, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(source) || string.IsNullOrWhiteSpace(externalId))
            return TypedResults.Problem(statusCode: 400, title: "Give both source and externalId.");

        // A ticket's writes are one per kind (every generation on the same row), keyed source:ticket:kind: the
        // unique key index finds them.
        var keys = WriteKinds.All.Select(kind => WriteKey.For(source, externalId, kind)).ToList();
        var writes = await db.Writes.AsNoTracking()
            .Where(w => keys.Contains(w.IdempotencyKey))
            .OrderBy(w => w.ProposedAt)
            .Select(w => new { w.CorrelationId, w.Kind, w.CurrentState })
            .ToListAsync(ct);
        var ids = writes.Select(w => w.CorrelationId).ToList();
        var entries = await db.Audit.AsNoTracking()
            .Where(a => ids.Contains(a.CorrelationId))
            .OrderBy(a => a.Id)
            .ToListAsync(ct);
        return TypedResults.Ok(writes.Select(w => new WriteHistory(w.CorrelationId, w.Kind, w.CurrentState,
            entries.Where(e => e.CorrelationId == w.CorrelationId)
                .Select(e => new HistoryEntry(e.At, e.Generation, e.Action, e.Actor, e.Detail)).ToList())));
    }
}
