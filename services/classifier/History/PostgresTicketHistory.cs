using Agents.Classifier.Persistence;
using Agents.Contracts;
using Agents.ServiceDefaults;
using Microsoft.EntityFrameworkCore;

namespace Agents.Classifier.History;

/// <summary>
/// Each ticket's latest outcome by requester, for later drafts. The write runs for every ticket, so it is plain
/// Npgsql: through EF Core (a context per ticket and its raw-SQL pipeline) it cost the classifier CPU per ticket for a
/// row it never reads back there (issue #18), and tickets recorded at the same time share one statement
/// (<see cref="StatementBatcher{TRequest,TResult}"/>). The read, on the drafting path only, stays a LINQ query.
/// </summary>
public sealed class PostgresTicketHistory : ITicketHistory, IAsyncDisposable
{
    // One row per ticket, the latest outcome winning: two instances recording the same ticket both succeed. A batch
    // names each ticket once (PostgreSQL refuses to update one row twice in a statement), with its latest outcome.
    private const string Upsert = """
        INSERT INTO classifier_ticket_outcomes ("Source", "ExternalId", "RequesterKey", "At", "Category", "Priority", "Outcome")
        SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::text[], $6::text[], $7::text[])
        ON CONFLICT ("Source", "ExternalId") DO UPDATE SET "RequesterKey" = EXCLUDED."RequesterKey", "At" = EXCLUDED."At",
            "Category" = EXCLUDED."Category", "Priority" = EXCLUDED."Priority", "Outcome" = EXCLUDED."Outcome"
        """;

    private readonly IDbContextFactory<ClassifierDbContext> _dbFactory;
    private readonly ClassifierDataSource _dataSource;
    private readonly StatementBatcher<TicketOutcome, ValueTuple> _batches;

    public PostgresTicketHistory(IDbContextFactory<ClassifierDbContext> dbFactory, ClassifierDataSource dataSource)
    {
        _dbFactory = dbFactory;
        _dataSource = dataSource;
        _batches = StatementBatcher.ForWrites<TicketOutcome>(UpsertAsync);
    }

    public Task RecordAsync(TicketReceived ticket, Classification classification, string outcome, CancellationToken cancellationToken)
    {
        if (RequesterKey.For(ticket.Requester) is not { } key)
            return Task.CompletedTask;
        return _batches.RunAsync(new TicketOutcome
        {
            Source = ticket.Source, ExternalId = ticket.ExternalId, RequesterKey = key, At = DateTimeOffset.UtcNow,
            Category = classification.Category, Priority = classification.Priority, Outcome = outcome,
        }, cancellationToken);
    }

    private async Task UpsertAsync(IReadOnlyList<TicketOutcome> recorded)
    {
        var rows = recorded.GroupBy(o => (o.Source, o.ExternalId)).Select(g => g.Last()).ToList();
        await using var command = _dataSource.Source.CreateCommand(Upsert);
        command.AddColumn(rows.Select(r => r.Source));
        command.AddColumn(rows.Select(r => r.ExternalId));
        command.AddColumn(rows.Select(r => r.RequesterKey));
        command.AddColumn(rows.Select(r => r.At));
        command.AddColumn(rows.Select(r => r.Category));
        command.AddColumn(rows.Select(r => r.Priority));
        command.AddColumn(rows.Select(r => r.Outcome));
        // Not a caller's token: the batch is several tickets' work, and one caller giving up must not cancel it.
        await command.ExecuteNonQueryAsync(CancellationToken.None);
    }

    public async Task<IReadOnlyList<TicketOutcome>> EarlierAsync(TicketReceived ticket, int max, CancellationToken cancellationToken)
    {
        if (RequesterKey.For(ticket.Requester) is not { } key)
            return [];
        await using var db = await _dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Outcomes.AsNoTracking()
            .Where(o => o.RequesterKey == key && !(o.Source == ticket.Source && o.ExternalId == ticket.ExternalId))
            .OrderByDescending(o => o.At)
            .Take(max)
            .ToListAsync(cancellationToken);
    }

    /// <summary>Writes what is queued, then stops taking outcomes.</summary>
    public ValueTask DisposeAsync() => _batches.DisposeAsync();
}
