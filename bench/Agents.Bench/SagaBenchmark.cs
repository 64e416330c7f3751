using System.Diagnostics;
using Agents.Contracts;
using Agents.ServiceDefaults;
using Agents.Testing;
using Agents.Writer;
using Agents.Writer.Persistence;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Agents.Bench;

/// <summary>
/// The approval saga's throughput: proposals held per second and approvals applied per second, with 1 and with 3
/// writer instances, beside a raw Npgsql baseline doing the same row work per message (insert-if-absent,
/// SELECT … FOR UPDATE, update) with the same concurrency on the same database server.
/// </summary>
public sealed class SagaBenchmark : IBenchmark
{
    public string Name => "saga";

    public string Description => "approval saga: proposals held/s and approvals applied/s, 1 vs 3 writers, vs raw Npgsql row work";

    public async Task RunAsync(BenchContext context, CancellationToken cancellationToken)
    {
        var count = context.Quick ? 300 : 2000;
        const int concurrency = 16; // RabbitMq:ConcurrentMessageLimit's default, per writer instance

        Report.Header($"saga: {count} writes, {concurrency} concurrent per instance");
        var raw = await SagaRawBaseline.RunAsync(count, concurrency, cancellationToken);
        Report.Row("raw npgsql: insert-if-absent + FOR UPDATE + update", count, raw.Elapsed, raw.Latency);
        var rawPerSecond = count / raw.Elapsed.TotalSeconds;

        var rates = new Dictionary<int, (double Held, double Applied)>();
        foreach (var instances in new[] { 1, 3 })
        {
            var run = await SagaRun.RunAsync(instances, count, cancellationToken);
            Report.Row($"saga, {instances} writer(s): proposals held", count, run.HoldElapsed, run.HoldLatency, rawPerSecond);
            Report.Row($"saga, {instances} writer(s): approvals applied", count, run.ApplyElapsed, run.ApplyLatency, rawPerSecond);
            rates[instances] = (count / run.HoldElapsed.TotalSeconds, count / run.ApplyElapsed.TotalSeconds);
        }
        Console.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"3 writers vs 1: proposals held x{rates[3].Held / rates[1].Held:0.00}, approvals applied x{rates[3].Applied / rates[1].Applied:0.00}; " +
            $"1 writer vs raw: held {rates[1].Held / rawPerSecond:0.00}, applied {rates[1].Applied / rawPerSecond:0.00}"));
    }
}

/// <summary>The same row work as the saga's repository, by hand: one transaction per message.</summary>
internal static class SagaRawBaseline
{
    public static async Task<(TimeSpan Elapsed, Measurements Latency)> RunAsync(int count, int concurrency, CancellationToken cancellationToken)
    {
        await using var database = await IsolatedDatabase.CreateAsync();
        var round = 0;
        await using var source = NpgsqlDataSource.Create(database.ConnectionString);
        await using (var create = source.CreateCommand("""
            CREATE TABLE raw_saga ("CorrelationId" uuid PRIMARY KEY, "IdempotencyKey" varchar(512) NOT NULL UNIQUE,
                "CurrentState" varchar(64) NOT NULL, "DuplicateCount" int NOT NULL, "UpdatedAt" timestamptz NOT NULL)
            """))
            await create.ExecuteNonQueryAsync(cancellationToken);
        await WarmUp.UntilJitSettledAsync(() => RoundAsync(source, $"warm{round++}", 500, concurrency, cancellationToken), cancellationToken);
        return await RoundAsync(source, "run", count, concurrency, cancellationToken);
    }

    private static async Task<(TimeSpan Elapsed, Measurements Latency)> RoundAsync(NpgsqlDataSource source, string prefix, int count, int concurrency,
        CancellationToken cancellationToken)
    {
        var latency = new Measurements();
        var stopwatch = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = cancellationToken },
            async (i, ct) =>
            {
                var started = Stopwatch.GetTimestamp();
                var key = $"raw:{prefix}:{i}:set-priority";
                var id = WriteKey.CorrelationIdFor(key);
                await using var conn = await source.OpenConnectionAsync(ct);
                await using var tx = await conn.BeginTransactionAsync(ct);
                await using (var insert = new NpgsqlCommand("""
                    INSERT INTO raw_saga VALUES (@id, @key, 'Initial', 0, now()) ON CONFLICT DO NOTHING
                    """, conn, tx))
                {
                    insert.Parameters.AddWithValue("id", id);
                    insert.Parameters.AddWithValue("key", key);
                    await insert.ExecuteNonQueryAsync(ct);
                }
                await using (var select = new NpgsqlCommand("""SELECT * FROM raw_saga WHERE "CorrelationId" = @id FOR UPDATE""", conn, tx))
                {
                    select.Parameters.AddWithValue("id", id);
                    await using var reader = await select.ExecuteReaderAsync(ct);
                    while (await reader.ReadAsync(ct))
                    {
                    }
                }
                await using (var update = new NpgsqlCommand("""
                    UPDATE raw_saga SET "CurrentState" = 'AwaitingApproval', "UpdatedAt" = now() WHERE "CorrelationId" = @id
                    """, conn, tx))
                {
                    update.Parameters.AddWithValue("id", id);
                    await update.ExecuteNonQueryAsync(ct);
                }
                await tx.CommitAsync(ct);
                latency.Add(Stopwatch.GetElapsedTime(started));
            });
        return (stopwatch.Elapsed, latency);
    }
}

/// <summary>One saga run: N writer instances in this process (each its own bus connection and DbContext pool, competing on the queues).</summary>
internal static class SagaRun
{
    public sealed record Result(TimeSpan HoldElapsed, Measurements HoldLatency, TimeSpan ApplyElapsed, Measurements ApplyLatency);

    public static async Task<Result> RunAsync(int instances, int count, CancellationToken cancellationToken)
    {
        await using var broker = await IsolatedBroker.CreateAsync();
        await using var database = await IsolatedDatabase.CreateAsync();
        var policy = Path.Combine(Path.GetTempPath(), $"bench-policy-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(policy, """
            { "permissions": { "write:set-priority": { "allowed": true, "requires_approval": true } } }
            """, cancellationToken);
        var settings = new Dictionary<string, string?>
        {
            ["Writer:PolicyFile"] = policy,
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Agents"] = "Warning",
            ["Logging:LogLevel:MassTransit"] = "Warning",
        };
        var writers = new List<RunningService>();
        try
        {
            for (var i = 0; i < instances; i++)
                writers.Add(await RunningService.StartAsync(WriterService.Build, [broker.Settings, database.Settings, settings],
                    sp => DatabaseMigration.MigrateAsync<WriterDbContext>(sp)));
            var bus = writers[0].Services.GetRequiredService<IBus>();
            // The writers share this process, so one warm-up JIT-compiles the code all of them run.
            var round = 0;
            // Rounds of half the measured size: smaller ones settle the JIT counter before the paths a long queue takes
            // (lock waits, a deeper backlog) were compiled, and those were then compiled while measuring.
            await WarmUp.UntilJitSettledAsync(() => RoundAsync(bus, database, $"warm{round++}", Math.Max(300, count / 2), cancellationToken), cancellationToken);
            return await RoundAsync(bus, database, "run", count, cancellationToken);
        }
        finally
        {
            foreach (var writer in writers)
                await writer.DisposeAsync();
            File.Delete(policy);
        }
    }

    /// <summary>Proposes <paramref name="count"/> writes at once and waits until all are held, then approves them all and waits until all are applied.</summary>
    private static async Task<Result> RoundAsync(IBus bus, IsolatedDatabase database, string prefix, int count, CancellationToken cancellationToken)
    {
        var runId = $"{prefix}-{Guid.NewGuid().ToString("N")[..6]}";
        var proposals = Enumerable.Range(0, count).Select(i =>
        {
            var key = WriteKey.For("bench", $"{runId}-{i}", WriteKinds.SetPriority);
            return new ProposeWrite
            {
                CorrelationId = WriteKey.CorrelationIdFor(key), IdempotencyKey = key, Source = "bench", ExternalId = $"{runId}-{i}",
                Kind = WriteKinds.SetPriority, Changes = new Dictionary<string, string> { ["priority"] = "high" },
            };
        }).ToList();
        var ofRound = $"\"ExternalId\" LIKE '{runId}-%'";

        var hold = Stopwatch.StartNew();
        await Parallel.ForEachAsync(proposals, new ParallelOptions { MaxDegreeOfParallelism = 32, CancellationToken = cancellationToken },
            async (p, ct) => await bus.Publish(p with { ProposedAt = DateTimeOffset.UtcNow }, ct));
        await WaitForAsync(database, $"SELECT count(*) FROM write_approvals WHERE \"CurrentState\" = 'AwaitingApproval' AND {ofRound}", count, cancellationToken);
        hold.Stop();
        var holdLatency = await LatencyAsync(database, $"SELECT \"UpdatedAt\" - \"ProposedAt\" FROM write_approvals WHERE {ofRound}");

        var apply = Stopwatch.StartNew();
        await Parallel.ForEachAsync(proposals, new ParallelOptions { MaxDegreeOfParallelism = 32, CancellationToken = cancellationToken },
            async (p, ct) => await bus.Publish(new ApproveWrite
            {
                CorrelationId = p.CorrelationId, Approver = "bench", DecidedAt = DateTimeOffset.UtcNow,
            }, ct));
        await WaitForAsync(database, $"SELECT count(*) FROM write_approvals WHERE \"CurrentState\" = 'Applied' AND {ofRound}", count, cancellationToken);
        apply.Stop();
        var applyLatency = await LatencyAsync(database, $"SELECT \"AppliedAt\" - \"DecidedAt\" FROM write_approvals WHERE {ofRound}");
        return new Result(hold.Elapsed, holdLatency, apply.Elapsed, applyLatency);
    }

    private static async Task WaitForAsync(IsolatedDatabase database, string sql, int expected, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(10);
        while (await database.ScalarAsync<long>(sql) < expected)
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"Not {expected} rows within 10 minutes: {sql}");
            await Task.Delay(20, cancellationToken);
        }
    }

    private static async Task<Measurements> LatencyAsync(IsolatedDatabase database, string sql)
    {
        var measurements = new Measurements();
        await using var conn = new NpgsqlConnection(database.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            measurements.Add(reader.GetTimeSpan(0));
        return measurements;
    }
}
