using System.Globalization;
using Agents.Harness;
using Agents.Harness.Load;
using Agents.Launcher;
using Agents.Webhooks;

namespace Agents.Bench;

/// <summary>
/// The end-to-end run (<see cref="EndToEndBenchmark"/>, 1 instance per service, quorum queues) on one RabbitMQ node and
/// on a three-node cluster started on this machine (scripts/servers.sh), then, on the cluster, a steady stream of
/// webhooks through which the node holding the services' connections is killed: how long tickets stop, what the
/// webhooks see. The brokers are the benchmark's own; PostgreSQL is the benchmark's servers'.
/// </summary>
public sealed class ClusterBenchmark : IBenchmark
{
    /// <summary>The stream through the node loss: well under the system's rate, so a pause shows as a pause, not a backlog.</summary>
    private const int WebhooksPerSecond = 20;

    private static readonly TimeSpan Stream = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan KillAt = TimeSpan.FromSeconds(20);

    public string Name => "cluster";
    public string Description => "end to end tickets/s on 1 RabbitMQ node vs a 3-node cluster, and the recovery when a node is killed";

    public async Task RunAsync(BenchContext context, CancellationToken cancellationToken)
    {
        var tickets = context.Quick ? 200 : 1000;
        var directory = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "agents-bench-cluster-" + Guid.NewGuid().ToString("N")[..8]));
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(directory.FullName, (UnixFileMode)0b111_101_101); // the nodes run as user rabbitmq
        try
        {
            var ports = await ServerScripts.FreePortsAsync(31000, 32000, 33000, 34000); // ≤ 45535: a node also needs port + 20000
            Report.Header($"cluster: {tickets} tickets, webhook → held for approval, 1 instance per service, quorum queues");
            var single = await ThroughputAsync("1 RabbitMQ node", Path.Combine(directory.FullName, "one"), ports.Take(1).ToList(), tickets, null,
                nodeLoss: false, cancellationToken);
            await ThroughputAsync("3-node cluster (every queue on all three)", Path.Combine(directory.FullName, "three"), ports.Skip(1).ToList(),
                tickets, single, nodeLoss: true, cancellationToken);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static async Task<double> ThroughputAsync(string what, string directory, IReadOnlyList<int> ports, int tickets, double? baseline,
        bool nodeLoss, CancellationToken cancellationToken)
    {
        var broker = await ThrowawayBroker.StartAsync(directory, ports);
        try
        {
            await using var system = await LaunchedSystem.StartAsync(1, 1, 1, cancellationToken: cancellationToken,
                brokerSettings: SystemSettings.BrokerAt(broker.HostSetting, ports[0]));
            var stages = new EndToEndStages(system);
            await stages.WholeAsync($"cw{ports.Count}", Math.Max(10, tickets / 3), cancellationToken); // warm-up: JIT, connections, pools
            var (count, elapsed, latency) = await stages.WholeAsync($"cl{ports.Count}", tickets, cancellationToken);
            Report.Row(what, count, elapsed, latency, baseline);
            if (nodeLoss)
                await NodeLossAsync(system, stages, broker, cancellationToken);
            return count / elapsed.TotalSeconds;
        }
        finally
        {
            await broker.KillAsync();
        }
    }

    /// <summary>
    /// <see cref="WebhooksPerSecond"/> webhooks a second for <see cref="Stream"/>, sent like a vendor (503 and no
    /// answer retried); after <see cref="KillAt"/> the node holding most client connections is killed (SIGKILL).
    /// </summary>
    private static async Task NodeLossAsync(LaunchedSystem system, EndToEndStages stages, ThrowawayBroker broker, CancellationToken cancellationToken)
    {
        var deliveries = TicketDeliveries.Create("loss", WebhooksPerSecond * (int)Stream.TotalSeconds, urgentEvery: 0, duplicateShare: 0);
        var sender = CrmWebhooks.Sender(system.IngestUrls, concurrency: 16, maxAttempts: 20, recordAttempts: true);
        stages.Sending("loss");
        var sending = SpreadDeliveries.SendAsync(sender, deliveries, Stream, cancellationToken);
        await Task.Delay(KillAt, cancellationToken);
        var connections = await broker.ConnectionsByNodeAsync();
        var victim = connections.MaxBy(c => c.Value);
        var killedAt = DateTimeOffset.UtcNow;
        await broker.StopNodeAsync(broker.PortOf(victim.Key), kill: true);
        var results = await sending;
        var accepted = results.Where(r => r.Accepted).ToList();
        var held = await stages.WaitHeldAsync("loss", accepted.Count, eachWrite: false, cancellationToken);

        var times = held.Values.Order().ToList();
        var before = LongestPause(times.Where(t => t >= killedAt - TimeSpan.FromSeconds(15) && t < killedAt).ToList());
        var after = LongestPause(times.Where(t => t >= killedAt - TimeSpan.FromSeconds(5)).Prepend(killedAt).Order().ToList());
        var refused = results.Sum(r => r.AttemptLog?.Count(l => l.Contains(" 503 in ", StringComparison.Ordinal)) ?? 0);
        var slowBefore = new Measurements();
        var slowAfter = new Measurements();
        foreach (var r in accepted)
            (r.AcceptedAt < killedAt ? slowBefore : slowAfter).Add(r.Latency);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"node loss: {victim.Key} killed (it held {victim.Value} of {connections.Values.Sum()} client connections) after {KillAt.TotalSeconds:0} s of {Stream.TotalSeconds:0} s at {WebhooksPerSecond} webhooks/s"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  tickets held: {held.Count} of {accepted.Count} accepted ({deliveries.Count} sent); longest time without a ticket held: {after.TotalSeconds:0.0} s from the loss on, {before.TotalSeconds:0.0} s in the 15 s before it"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  webhooks: {refused} answers 503 (retried), {results.Count - accepted.Count} never accepted; answer p99/max {slowAfter.Percentile(99):0}/{slowAfter.Percentile(100):0} ms from the loss on, {slowBefore.Percentile(99):0}/{slowBefore.Percentile(100):0} ms before"));
    }

    /// <summary>The longest interval between two consecutive moments.</summary>
    private static TimeSpan LongestPause(IReadOnlyList<DateTimeOffset> moments) =>
        moments.Zip(moments.Skip(1), (a, b) => b - a).DefaultIfEmpty(TimeSpan.Zero).Max();
}
