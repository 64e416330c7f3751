using System.Text.Json;
using Agents.Contracts;
using Agents.ServiceDefaults;
using Npgsql;
using NpgsqlTypes;
using Microsoft.Extensions.Options;

namespace Agents.Classifier.Persistence;

/// <summary>
/// The content-hash cache in PostgreSQL. A hit is one plain SELECT. A miss claims the content with a lease row (one
/// short statement), classifies with no transaction open and no lock held (the LLM call may take seconds), then
/// stores the answer and drops the lease in one short transaction. A copy delivered to another consumer or another
/// instance meanwhile finds the lease and polls for the answer, so the LLM is called once; if the holder dies, its
/// lease runs out and a waiter takes over. Plain Npgsql: this runs for every ticket. A fallback (rules) row counts
/// only within the fallback TTL; an expired one is overwritten by the next answer. Any database failure propagates:
/// the message is retried rather than decided twice.
/// </summary>
public sealed class PostgresClassificationCache(ClassifierDataSource dataSource, IOptions<ClassifierOptions> options) : IClassificationCache
{
    private const string Select = "SELECT \"Classification\" FROM classifier_cache WHERE \"ContentHash\" = $1 "
        + "AND (\"Model\" <> $2 OR \"CreatedAt\" > now() - $3)";

    // Taken only when free or run out: a live holder keeps it.
    private const string Claim = "INSERT INTO classifier_leases (\"ContentHash\", \"Owner\", \"Until\") VALUES ($1, $2, now() + $3) "
        + "ON CONFLICT (\"ContentHash\") DO UPDATE SET \"Owner\" = excluded.\"Owner\", \"Until\" = excluded.\"Until\" "
        + "WHERE classifier_leases.\"Until\" < now() RETURNING \"Owner\"";

    private const string Release = "DELETE FROM classifier_leases WHERE \"ContentHash\" = $1 AND \"Owner\" = $2";

    private const string Store = "INSERT INTO classifier_cache (\"ContentHash\", \"Classification\", \"Model\", \"CreatedAt\") VALUES ($1, $2, $3, now()) "
        + "ON CONFLICT (\"ContentHash\") DO UPDATE SET \"Classification\" = excluded.\"Classification\", "
        + "\"Model\" = excluded.\"Model\", \"CreatedAt\" = excluded.\"CreatedAt\" "
        + "WHERE classifier_cache.\"Model\" = $4 AND classifier_cache.\"CreatedAt\" <= now() - $5";

    private static readonly TimeSpan FirstPoll = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan LongestPoll = TimeSpan.FromMilliseconds(250);

    public async Task<(Classification Classification, bool Hit)> GetOrClassifyAsync(string contentHash,
        Func<CancellationToken, Task<CacheableClassification>> classify, CancellationToken cancellationToken)
    {
        var owner = Guid.NewGuid();
        var poll = FirstPoll;
        while (true)
        {
            if (await ReadAsync(contentHash, cancellationToken) is { } cached)
                return (cached, true);
            if (await ClaimAsync(contentHash, owner, cancellationToken))
                return await ClassifyAsOwnerAsync(contentHash, owner, classify, cancellationToken);
            // Another copy is being classified: its answer is ours too, or its lease runs out and we take over.
            await Task.Delay(poll, cancellationToken);
            poll = TimeSpan.FromTicks(Math.Min(poll.Ticks * 2, LongestPoll.Ticks));
        }
    }

    private async Task<(Classification Classification, bool Hit)> ClassifyAsOwnerAsync(string contentHash, Guid owner,
        Func<CancellationToken, Task<CacheableClassification>> classify, CancellationToken cancellationToken)
    {
        try
        {
            // The previous holder may have stored its answer between our read and our claim.
            if (await ReadAsync(contentHash, cancellationToken) is { } stored)
            {
                await ReleaseAsync(contentHash, owner);
                return (stored, true);
            }
            var result = await classify(cancellationToken);
            await StoreAsync(contentHash, owner, result, cancellationToken);
            return (result.Classification, false);
        }
        catch
        {
            // The retry of this message, or a waiting copy, takes over now rather than when the lease runs out.
            await TryReleaseAsync(contentHash, owner);
            throw;
        }
    }

    /// <summary>
    /// The answer and the end of our lease in one round trip: the two statements go as one batch, which PostgreSQL
    /// runs as one implicit transaction (both or neither), instead of BEGIN, two statements and COMMIT one after the
    /// other (issue #18: every round trip here holds one of the consumer's concurrent slots a little longer).
    /// </summary>
    private async Task StoreAsync(string contentHash, Guid owner, CacheableClassification result, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.Source.OpenConnectionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection);
        var store = new NpgsqlBatchCommand(Store);
        store.Parameters.Add(new NpgsqlParameter<string> { TypedValue = contentHash });
        store.Parameters.Add(new NpgsqlParameter<string>
        {
            TypedValue = JsonSerializer.Serialize(result.Classification, JsonSerializerOptions.Web), NpgsqlDbType = NpgsqlDbType.Jsonb,
        });
        store.Parameters.Add(new NpgsqlParameter<string> { TypedValue = result.Fallback ? CacheableClassification.FallbackModel : result.Model ?? "" });
        store.Parameters.Add(new NpgsqlParameter<string> { TypedValue = CacheableClassification.FallbackModel });
        store.Parameters.Add(new NpgsqlParameter<TimeSpan> { TypedValue = Ttl });
        var release = new NpgsqlBatchCommand(Release);
        release.Parameters.Add(new NpgsqlParameter<string> { TypedValue = contentHash });
        release.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = owner });
        batch.BatchCommands.Add(store);
        batch.BatchCommands.Add(release);
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    private TimeSpan Ttl => options.Value.Llm.FallbackAnswerTtl;

    /// <summary>
    /// Longer than the longest classification: two attempts of the LLM call (a 429 retried once), the wait between
    /// them, and time for the rules and the store. A lease that outlives its holder only delays the copies waiting.
    /// </summary>
    private TimeSpan LeaseTime
    {
        get
        {
            var llm = options.Value.Llm;
            return llm.Timeout * 2 + llm.MaxRetryAfter + TimeSpan.FromSeconds(10);
        }
    }

    private async Task<bool> ClaimAsync(string contentHash, Guid owner, CancellationToken cancellationToken)
    {
        await using var command = dataSource.Source.CreateCommand(Claim);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = contentHash });
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = owner });
        command.Parameters.Add(new NpgsqlParameter<TimeSpan> { TypedValue = LeaseTime });
        return await command.ExecuteScalarAsync(cancellationToken) is Guid holder && holder == owner;
    }

    private async Task TryReleaseAsync(string contentHash, Guid owner)
    {
        try
        {
            await ReleaseAsync(contentHash, owner);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            // The database is what failed: the lease runs out by itself, and the original failure is what matters.
        }
    }

    private async Task ReleaseAsync(string contentHash, Guid owner)
    {
        await using var command = dataSource.Source.CreateCommand(Release);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = contentHash });
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = owner });
        await command.ExecuteNonQueryAsync(CancellationToken.None);
    }

    private async Task<Classification?> ReadAsync(string contentHash, CancellationToken cancellationToken)
    {
        await using var command = dataSource.Source.CreateCommand(Select);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = contentHash });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = CacheableClassification.FallbackModel });
        command.Parameters.Add(new NpgsqlParameter<TimeSpan> { TypedValue = Ttl });
        return await command.ExecuteScalarAsync(cancellationToken) is string json
            ? JsonSerializer.Deserialize<Classification>(json, JsonSerializerOptions.Web)
            : null;
    }
}

/// <summary>
/// The classifier's own Npgsql data source for its hot path (a wrapper, so it never collides with another
/// registration), its fixed statements prepared once per connection.
/// </summary>
public sealed class ClassifierDataSource(string connectionString) : IAsyncDisposable
{
    public NpgsqlDataSource Source { get; } = NpgsqlDataSource.Create(PreparedStatementConnections.Tune(connectionString));

    public ValueTask DisposeAsync() => Source.DisposeAsync();
}
