using Agents.Classifier.Persistence;
using Agents.Contracts;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Agents.Classifier.History;

/// <summary>
/// Each ticket's latest outcome by requester, for later drafts. The write runs for every ticket, so it is one plain
/// Npgsql statement: through EF Core (a context per ticket and its raw-SQL pipeline) it cost the classifier CPU per
/// ticket for a row it never reads back there (issue #18). The read, on the drafting path only, stays a LINQ query.
/// </summary>
public sealed class PostgresTicketHistory(IDbContextFactory<ClassifierDbContext> dbFactory, ClassifierDataSource dataSource) : ITicketHistory
{
    // One row per ticket, the latest outcome winning: two instances recording the same ticket both succeed.
    private const string Upsert = """
        INSERT INTO classifier_ticket_outcomes ("Source", "ExternalId", "RequesterKey", "At", "Category", "Priority", "Outcome")
        VALUES ($1, $2, $3, $4, $5, $6, $7)
        ON CONFLICT ("Source", "ExternalId") DO UPDATE SET "RequesterKey" = EXCLUDED."RequesterKey", "At" = EXCLUDED."At",
            "Category" = EXCLUDED."Category", "Priority" = EXCLUDED."Priority", "Outcome" = EXCLUDED."Outcome"
        """;

    public async Task RecordAsync(TicketReceived ticket, Classification classification, string outcome, CancellationToken cancellationToken)
    {
        if (RequesterKey.For(ticket.Requester) is not { } key)
            return;
        await using var command = dataSource.Source.CreateCommand(Upsert);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = ticket.Source });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = ticket.ExternalId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = key });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = DateTimeOffset.UtcNow });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = classification.Category });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = classification.Priority });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = outcome });
        await command.ExecuteNonQueryAsync(cancellationToken);
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
