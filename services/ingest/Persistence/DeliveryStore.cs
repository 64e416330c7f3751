using Agents.Contracts;
using Microsoft.EntityFrameworkCore;

namespace Agents.Ingest.Persistence;

/// <summary>
/// Remembers confirmed deliveries so a vendor's retry is answered 200 without a second publish. Best effort by
/// design: when the database is unavailable the lookup says "unknown" and the ticket is published again, which
/// is safe because the copy carries the same message id and idempotency key and downstream suppresses it.
/// </summary>
public sealed class DeliveryStore(IDbContextFactory<IngestDbContext> contexts, DatabaseGate gate)
{
    /// <summary>The delivery keys among <paramref name="tickets"/> already accepted; empty when the database is unavailable.</summary>
    public Task<HashSet<string>> KnownAsync(string source, IReadOnlyList<TicketReceived> tickets, CancellationToken cancellationToken)
    {
        var keys = tickets.Select(t => t.DeliveryId).Distinct().ToList();
        return gate.RunAsync("looking up deliveries", async ct =>
        {
            await using var db = await contexts.CreateDbContextAsync(ct);
            var known = await db.Deliveries.AsNoTracking()
                .Where(d => d.Source == source && keys.Contains(d.DeliveryKey))
                .Select(d => d.DeliveryKey).ToListAsync(ct);
            return known.ToHashSet(StringComparer.Ordinal);
        }, [], cancellationToken);
    }

    public Task RecordAsync(string source, IReadOnlyList<(TicketReceived Ticket, Guid MessageId)> accepted, CancellationToken cancellationToken) =>
        gate.RunAsync("recording deliveries", async ct =>
        {
            await using var db = await contexts.CreateDbContextAsync(ct);
            foreach (var (ticket, messageId) in accepted)
            {
                // Two copies racing in may both get here; the key keeps one row.
                await db.Database.ExecuteSqlInterpolatedAsync($"""
                    INSERT INTO ingest_deliveries ("Source", "DeliveryKey", "ExternalId", "MessageId", "AcceptedAt")
                    VALUES ({source}, {ticket.DeliveryId}, {ticket.ExternalId}, {messageId}, {DateTimeOffset.UtcNow})
                    ON CONFLICT DO NOTHING
                    """, ct);
            }
            return true;
        }, false, cancellationToken);
}
