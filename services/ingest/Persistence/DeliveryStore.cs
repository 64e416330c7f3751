using Agents.Contracts;
using Agents.ServiceDefaults;
using Npgsql;

namespace Agents.Ingest.Persistence;

/// <summary>
/// Remembers confirmed deliveries so a vendor's retry is answered 200 without a second publish. Best effort by
/// design: when the database is unavailable the lookup says "unknown" and the ticket is published again, which
/// is safe because the copy carries the same message id and delivery key and the classifier handles a delivery once.
/// Plain Npgsql on this hot path: concurrent webhooks share one lookup per round trip, and records are written
/// behind the answer in batches (<see cref="StatementBatcher{TRequest,TResult}"/>); the table is EF's migration.
/// </summary>
public sealed class DeliveryStore : IAsyncDisposable
{
    private readonly IngestDataSource _dataSource;
    private readonly DatabaseGate _gate;
    private readonly StatementBatcher<DeliveryKeys, HashSet<string>> _lookups;
    private readonly StatementBatcher<IReadOnlyList<AcceptedDelivery>, ValueTuple> _records;

    // Nobody waits on a record, so a batch gathers 50 ms of them: at 5 ms, under load, every few webhooks cost
    // PostgreSQL a statement and a commit of their own (issue #18: 0.17 commits a webhook at 5 ms, 0.14 at 50). The
    // window stays far inside the minute InFlightDeliveries remembers an accepted delivery, and a crash loses at most
    // that much memory, which means only that a retry of those deliveries is published again.
    private static readonly TimeSpan RecordLinger = TimeSpan.FromMilliseconds(50);

    public DeliveryStore(IngestDataSource dataSource, DatabaseGate gate)
    {
        _dataSource = dataSource;
        _gate = gate;
        _lookups = new StatementBatcher<DeliveryKeys, HashSet<string>>(LookUpAsync);
        _records = StatementBatcher.ForWrites<IReadOnlyList<AcceptedDelivery>>(InsertAsync, linger: RecordLinger);
    }

    /// <summary>The keys among <paramref name="keys"/> already accepted for the source; empty when the database is unavailable.</summary>
    public Task<HashSet<string>> KnownAsync(string source, IReadOnlyList<string> keys, CancellationToken cancellationToken) =>
        _lookups.RunAsync(new DeliveryKeys(source, keys.Distinct().ToArray()), cancellationToken);

    /// <summary>
    /// Records confirmed deliveries behind the answer (write-behind, batched), one row per key of each ticket (its
    /// delivery id and its payload key): the sender does not wait for it, and until the row is written
    /// <see cref="Webhooks.InFlightDeliveries"/> recognises a retry on this instance. A row lost to a crash or an
    /// unavailable database (logged by the gate) means only that a later retry is published again, with the same
    /// message id and idempotency key.
    /// </summary>
    public void Remember(string source, IReadOnlyList<(TicketReceived Ticket, Guid MessageId, string Key)> accepted)
    {
        var now = DateTimeOffset.UtcNow;
        _records.Post(accepted.Select(a => new AcceptedDelivery
        {
            Source = source, DeliveryKey = a.Key, ExternalId = a.Ticket.ExternalId, MessageId = a.MessageId, AcceptedAt = now,
        }).ToList());
    }

    /// <summary>
    /// The (source, key) pairs among the arrays $1 (sources) and $2 (keys) already recorded: one probe of the key index
    /// per pair, whatever the plan. A lateral subquery with a limit cannot become a hash or merge join over the whole
    /// table, and <see cref="IngestDataSource"/> rules out the sequential scan inside it.
    /// </summary>
    public const string LookupSql = """
        SELECT k.s, k.key
        FROM unnest($1::text[], $2::text[]) AS k(s, key)
        CROSS JOIN LATERAL (SELECT FROM ingest_deliveries d WHERE d."Source" = k.s AND d."DeliveryKey" = k.key LIMIT 1) AS found
        """;

    private async Task<IReadOnlyList<HashSet<string>>> LookUpAsync(IReadOnlyList<DeliveryKeys> requests)
    {
        var pairs = requests.SelectMany(r => r.Keys.Select(k => (r.Source, Key: k))).ToList();
        var found = await _gate.RunAsync("looking up deliveries", async ct =>
        {
            await using var cmd = _dataSource.Source.CreateCommand(LookupSql);
            cmd.AddColumn(pairs.Select(p => p.Source));
            cmd.AddColumn(pairs.Select(p => p.Key));
            var rows = new HashSet<(string, string)>();
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
                rows.Add((reader.GetString(0), reader.GetString(1)));
            return rows;
        }, [], CancellationToken.None);
        return requests.Select(r => r.Keys.Where(k => found.Contains((r.Source, k))).ToHashSet(StringComparer.Ordinal)).ToList();
    }

    private Task InsertAsync(IReadOnlyList<IReadOnlyList<AcceptedDelivery>> requests)
    {
        var rows = requests.SelectMany(r => r).ToList();
        return _gate.RunAsync("recording deliveries", async ct =>
        {
            // Two copies racing in may both get here; the key keeps one row.
            await using var cmd = _dataSource.Source.CreateCommand("""
                INSERT INTO ingest_deliveries ("Source", "DeliveryKey", "ExternalId", "MessageId", "AcceptedAt")
                SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::uuid[], $5::timestamptz[])
                ON CONFLICT DO NOTHING
                """);
            cmd.AddColumn(rows.Select(r => r.Source));
            cmd.AddColumn(rows.Select(r => r.DeliveryKey));
            cmd.AddColumn(rows.Select(r => r.ExternalId));
            cmd.AddColumn(rows.Select(r => r.MessageId));
            cmd.AddColumn(rows.Select(r => r.AcceptedAt));
            await cmd.ExecuteNonQueryAsync(ct);
        }, CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        await _lookups.DisposeAsync();
        await _records.DisposeAsync();
    }

    private sealed record DeliveryKeys(string Source, string[] Keys);
}

/// <summary>
/// The Npgsql data source (connection pool) for ingest's hot-path statements, the duplicate lookup and the record of
/// accepted deliveries, which run for every webhook: prepared, like the other services' hot statements
/// (<see cref="PreparedStatementConnections"/>; PostgreSQL spent a third of its time for a webhook parsing and
/// planning them). A prepared statement may settle on one generic plan and keep it while the table grows; the plan
/// PostgreSQL makes for a new, empty table hashes or scans it, and later reads every remembered delivery on each
/// lookup (seen at 40,000 rows). So the lookup probes the index per key (<see cref="DeliveryStore.LookupSql"/>) and
/// every connection of this pool is told not to scan tables sequentially (<c>DuplicateLookupPlanTests</c>). Its
/// statements change no other session state, so connections are not reset, which also keeps that setting.
/// </summary>
public sealed class IngestDataSource(IConfiguration configuration) : IAsyncDisposable
{
    // Once per physical connection. The pool's other statements (the record's insert, the stranger sample's upsert)
    // read no table but through a unique index, so nothing here needs a sequential scan.
    private const string PlannerSettings = "SET enable_seqscan = off";

    private readonly Lazy<NpgsqlDataSource> _source = new(() =>
    {
        var builder = new NpgsqlDataSourceBuilder(PreparedStatementConnections.Tune(
            configuration.GetConnectionString("Db") ?? throw new InvalidOperationException("ConnectionStrings:Db is not set.")));
        builder.UsePhysicalConnectionInitializer(
            connection =>
            {
                using var command = new NpgsqlCommand(PlannerSettings, connection);
                command.ExecuteNonQuery();
            },
            async connection =>
            {
                await using var command = new NpgsqlCommand(PlannerSettings, connection);
                await command.ExecuteNonQueryAsync();
            });
        return builder.Build();
    });

    public NpgsqlDataSource Source => _source.Value;

    public async ValueTask DisposeAsync()
    {
        if (_source.IsValueCreated)
            await _source.Value.DisposeAsync();
    }
}
