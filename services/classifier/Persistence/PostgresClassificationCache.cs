using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Agents.Contracts;
using Npgsql;
using NpgsqlTypes;
using Microsoft.Extensions.Options;

namespace Agents.Classifier.Persistence;

/// <summary>
/// The content-hash cache in PostgreSQL. A hit is one plain SELECT. A miss runs check, call and store in one
/// transaction holding <c>pg_advisory_xact_lock</c> on the hash: a copy delivered to another consumer or another
/// instance at the same moment waits for the first to commit, then finds its row, so the LLM is called once. The
/// lock goes with the transaction, so a crash cannot leave it held. Plain Npgsql: this runs for every ticket.
/// A fallback (rules) row counts only within the fallback TTL; an expired one is overwritten by the next answer.
/// Any database failure propagates: the message is retried rather than decided twice.
/// </summary>
public sealed class PostgresClassificationCache(ClassifierDataSource dataSource, IOptions<ClassifierOptions> options) : IClassificationCache
{
    private const string Select = "SELECT \"Classification\" FROM classifier_cache WHERE \"ContentHash\" = $1 "
        + "AND (\"Model\" <> $2 OR \"CreatedAt\" > now() - $3)";

    public async Task<(Classification Classification, bool Hit)> GetOrClassifyAsync(string contentHash,
        Func<CancellationToken, Task<CacheableClassification>> classify, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.Source.OpenConnectionAsync(cancellationToken);
        if (await ReadAsync(connection, null, contentHash, cancellationToken) is { } fast)
            return (fast, true);

        await using var tx = await connection.BeginTransactionAsync(cancellationToken);
        await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_xact_lock($1)", connection, tx))
        {
            lockCommand.Parameters.Add(new NpgsqlParameter<long> { TypedValue = LockKey(contentHash) });
            await lockCommand.ExecuteNonQueryAsync(cancellationToken);
        }
        if (await ReadAsync(connection, tx, contentHash, cancellationToken) is { } cached)
        {
            await tx.CommitAsync(cancellationToken);
            return (cached, true);
        }

        var result = await classify(cancellationToken);
        await using var insert = new NpgsqlCommand(
            "INSERT INTO classifier_cache (\"ContentHash\", \"Classification\", \"Model\", \"CreatedAt\") VALUES ($1, $2, $3, now()) "
            + "ON CONFLICT (\"ContentHash\") DO UPDATE SET \"Classification\" = excluded.\"Classification\", "
            + "\"Model\" = excluded.\"Model\", \"CreatedAt\" = excluded.\"CreatedAt\" "
            + "WHERE classifier_cache.\"Model\" = $4 AND classifier_cache.\"CreatedAt\" <= now() - $5", connection, tx);
        insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = contentHash });
        insert.Parameters.Add(new NpgsqlParameter<string>
        {
            TypedValue = JsonSerializer.Serialize(result.Classification, JsonSerializerOptions.Web), NpgsqlDbType = NpgsqlDbType.Jsonb,
        });
        insert.Parameters.Add(new NpgsqlParameter<string>
        {
            TypedValue = result.Fallback ? CacheableClassification.FallbackModel : result.Model ?? "",
        });
        insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = CacheableClassification.FallbackModel });
        insert.Parameters.Add(new NpgsqlParameter<TimeSpan> { TypedValue = Ttl });
        await insert.ExecuteNonQueryAsync(cancellationToken);
        await tx.CommitAsync(cancellationToken);
        return (result.Classification, false);
    }

    private TimeSpan Ttl => options.Value.Llm.FallbackAnswerTtl;

    private async Task<Classification?> ReadAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, string contentHash,
        CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(Select, connection, tx);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = contentHash });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = CacheableClassification.FallbackModel });
        command.Parameters.Add(new NpgsqlParameter<TimeSpan> { TypedValue = Ttl });
        return await command.ExecuteScalarAsync(cancellationToken) is string json
            ? JsonSerializer.Deserialize<Classification>(json, JsonSerializerOptions.Web)
            : null;
    }

    private static long LockKey(string contentHash) =>
        BinaryPrimitives.ReadInt64BigEndian(SHA256.HashData(Encoding.UTF8.GetBytes("classifier-cache:" + contentHash)));
}

/// <summary>The classifier's own Npgsql data source (a wrapper, so it never collides with another registration).</summary>
public sealed class ClassifierDataSource(string connectionString) : IAsyncDisposable
{
    public NpgsqlDataSource Source { get; } = NpgsqlDataSource.Create(connectionString);

    public ValueTask DisposeAsync() => Source.DisposeAsync();
}
