using Agents.Classifier.Persistence;
using Agents.Contracts;
using Microsoft.EntityFrameworkCore;

namespace Agents.Classifier.History;

public sealed class PostgresTicketHistory(IDbContextFactory<ClassifierDbContext> dbFactory) : ITicketHistory
{
    public async Task RecordAsync(TicketReceived ticket, Classification classification, string outcome, CancellationToken cancellationToken)
    {
        if (RequesterKey.For(ticket.Requester) is not { } key)
            return;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        // One row per ticket, the latest outcome winning: two instances recording the same ticket both succeed.
        await db.Database.ExecuteSqlInterpolatedAsync($"""
            INSERT INTO classifier_ticket_outcomes ("Source", "ExternalId", "RequesterKey", "At", "Category", "Priority", "Outcome")
            VALUES ({ticket.Source}, {ticket.ExternalId}, {key}, {DateTimeOffset.UtcNow}, {classification.Category}, {classification.Priority}, {outcome})
            ON CONFLICT ("Source", "ExternalId") DO UPDATE SET "RequesterKey" = EXCLUDED."RequesterKey", "At" = EXCLUDED."At",
                "Category" = EXCLUDED."Category", "Priority" = EXCLUDED."Priority", "Outcome" = EXCLUDED."Outcome"
            """, cancellationToken);
    }

    public async Task<IReadOnlyList<TicketOutcome>> EarlierAsync(TicketReceived ticket, int max, CancellationToken cancellationToken)
    {
        if (RequesterKey.For(ticket.Requester) is not { } key)
            return [];
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Outcomes.AsNoTracking()
            .Where(o => o.RequesterKey == key && !(o.Source == ticket.Source && o.ExternalId == ticket.ExternalId))
            .OrderByDescending(o => o.At)
            .Take(max)
            .ToListAsync(cancellationToken);
    }
}
