using System.Diagnostics;
using Agents.Launcher.Load;
using Npgsql;

namespace Agents.Bench;

/// <summary>
/// Webhook in → write held for approval, through ingest, the classifier (rules) and the writer's saga, as separate
/// processes with 1 and with 3 instances per service. Latency per ticket = saga row written (its UpdatedAt) minus
/// the moment the webhook was sent; throughput = tickets held ÷ (last held − first sent).
/// </summary>
public sealed class EndToEndBenchmark : IBenchmark
{
    public string Name => "e2e";
    public string Description => "webhook → held for approval (rules), tickets/s and p50/p99, 1 vs 3 instances per service";

    public async Task RunAsync(BenchContext context, CancellationToken cancellationToken)
    {
        var tickets = context.Quick ? 200 : 1000;
        Report.Header($"end to end: {tickets} tickets, webhook → held for approval, rules classifier");
        double? single = null;
        foreach (var instances in new[] { 1, 3 })
        {
            await using var system = await LaunchedSystem.StartAsync(instances, instances, instances, cancellationToken: cancellationToken);
            var (count, elapsed, latency) = await RunOnceAsync(system, $"e2e{instances}", tickets, cancellationToken);
            Report.Row($"{instances} instance(s) per service", count, elapsed, latency, single);
            single ??= count / elapsed.TotalSeconds;
        }
    }

    /// <summary>A warm-up of a third as many tickets, then <paramref name="tickets"/> sent 32 at a time and waited for.</summary>
    public static async Task<(int Count, TimeSpan Elapsed, Measurements Latency)> RunOnceAsync(
        LaunchedSystem system, string prefix, int tickets, CancellationToken cancellationToken)
    {
        // Warm-up: JIT, connections and pools in every process before the clock runs (a third of the run's tickets).
        var warm = Math.Max(50, tickets / 3);
        await system.Sender(32).SendAsync(TicketDeliveries.Create(prefix + "w", warm, urgentEvery: 0, duplicateShare: 0), cancellationToken);
        await WaitHeldAsync(system, prefix + "w", warm, TimeSpan.FromMinutes(2), cancellationToken);

        var deliveries = TicketDeliveries.Create(prefix, tickets, urgentEvery: 0, duplicateShare: 0);
        var results = await system.Sender(32).SendAsync(deliveries, cancellationToken);
        var sentAt = results.Where(r => r.Accepted).ToDictionary(r => r.Delivery.ExternalId, r => r.AcceptedAt - r.Latency);
        var held = await WaitHeldAsync(system, prefix, sentAt.Count, TimeSpan.FromMinutes(5), cancellationToken);

        var latency = new Measurements();
        foreach (var (ticket, at) in held)
            if (sentAt.TryGetValue(ticket, out var sent))
                latency.Add(at - sent);
        var elapsed = held.Count == 0 ? TimeSpan.FromSeconds(1) : held.Values.Max() - sentAt.Values.Min();
        return (held.Count, elapsed, latency);
    }

    /// <summary>When each ticket's first write was held (saga row written), polled until all are or nothing moves for 15 s.</summary>
    public static async Task<Dictionary<string, DateTimeOffset>> WaitHeldAsync(LaunchedSystem system, string prefix, int expected,
        TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        var lastChange = Stopwatch.StartNew();
        var held = new Dictionary<string, DateTimeOffset>();
        while (held.Count < expected && deadline.Elapsed < timeout && lastChange.Elapsed < TimeSpan.FromSeconds(15))
        {
            await Task.Delay(500, cancellationToken);
            await using var connection = new NpgsqlConnection(system.Database.ConnectionString);
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand("""
                SELECT "ExternalId", min("UpdatedAt") FROM write_approvals
                WHERE "ExternalId" LIKE @like AND "CurrentState" = 'AwaitingApproval' GROUP BY 1
                """, connection);
            command.Parameters.AddWithValue("like", prefix + "-%");
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var before = held.Count;
            held.Clear();
            while (await reader.ReadAsync(cancellationToken))
                held[reader.GetString(0)] = reader.GetFieldValue<DateTimeOffset>(1);
            if (held.Count != before)
                lastChange.Restart();
        }
        return held;
    }
}
