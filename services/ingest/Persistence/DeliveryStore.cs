using Agents.Contracts;
using Npgsql;

namespace Agents.Ingest.Persistence;

/// <summary>
/// Remembers confirmed deliveries so a vendor's retry is answered 200 without a second publish. Best effort by
/// design: when the database is unavailable the lookup says "unknown" and the ticket is published again, which
/// is safe because the copy carries the same message id and idempotency key and downstream suppresses it.
/// Plain Npgsql on this hot path (one indexed lookup, one insert per delivery); the table is EF's migration.
/// </summary>
public sealed class DeliveryStore(IngestDataSource dataSource, DatabaseGate gate)
{
    /// <summary>The delivery keys among <paramref name="tickets"/> already accepted; empty when the database is unavailable.</summary>
    public Task<HashSet<string>> KnownAsync(string source, IReadOnlyList<TicketReceived> tickets, CancellationToken cancellationToken)
    {
        var keys = tickets.Select(t => t.DeliveryId).Distinct().ToArray();
        return gate.RunAsync("looking up deliveries", async ct =>
        {
            await using var cmd = dataSource.Source.CreateCommand(
                """SELECT "DeliveryKey" FROM ingest_deliveries WHERE "Source" = $1 AND "DeliveryKey" = ANY($2)""");
            cmd.Parameters.Add(new NpgsqlParameter { Value = source });
            cmd.Parameters.Add(new NpgsqlParameter { Value = keys });
            var known = new HashSet<string>(StringComparer.Ordinal);
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
                known.Add(reader.GetString(0));
            return known;
        }, [], cancellationToken);
    }

    public Task RecordAsync(string source, IReadOnlyList<(TicketReceived Ticket, Guid MessageId)> accepted, CancellationToken cancellationToken) =>
        gate.RunAsync("recording deliveries", async ct =>
        {
            // Two copies racing in may both get here; the key keeps one row.
            await using var cmd = dataSource.Source.CreateCommand("""
                INSERT INTO ingest_deliveries ("Source", "DeliveryKey", "ExternalId", "MessageId", "AcceptedAt")
                SELECT $1, k, e, m, $5 FROM unnest($2::text[], $3::text[], $4::uuid[]) AS d(k, e, m)
                ON CONFLICT DO NOTHING
                """);
            cmd.Parameters.Add(new NpgsqlParameter { Value = source });
            cmd.Parameters.Add(new NpgsqlParameter { Value = accepted.Select(a => a.Ticket.DeliveryId).ToArray() });
            cmd.Parameters.Add(new NpgsqlParameter { Value = accepted.Select(a => a.Ticket.ExternalId).ToArray() });
            cmd.Parameters.Add(new NpgsqlParameter { Value = accepted.Select(a => a.MessageId).ToArray() });
            cmd.Parameters.Add(new NpgsqlParameter { Value = DateTimeOffset.UtcNow });
            await cmd.ExecuteNonQueryAsync(ct);
            return true;
        }, false, cancellationToken);
}

/// <summary>The Npgsql data source (connection pool) for ingest's hot-path queries.</summary>
public sealed class IngestDataSource(IConfiguration configuration) : IAsyncDisposable
{
    private readonly Lazy<NpgsqlDataSource> _source = new(() => NpgsqlDataSource.Create(
        configuration.GetConnectionString("Db") ?? throw new InvalidOperationException("ConnectionStrings:Db is not set.")));

    public NpgsqlDataSource Source => _source.Value;

    public async ValueTask DisposeAsync()
    {
        if (_source.IsValueCreated)
            await _source.Value.DisposeAsync();
    }
}
