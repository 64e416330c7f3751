using System.Net;
using Agents.Harness;

namespace Agents.Faults.Tests;

/// <summary>
/// The system on servers that outlive a machine: a three-node RabbitMQ cluster with quorum queues and a PostgreSQL
/// primary with a synchronous streaming standby, every service given every node and both servers. Nodes are lost
/// one after the other; the primary is lost and its standby promoted. Each scenario must hold what every fault
/// scenario holds (<see cref="OutcomeAssertions"/>): all tickets accepted in the end, one outcome each, no write
/// applied twice, nothing given up on. CI runs <see cref="Tickets"/> tickets per scenario, webhooks spread over
/// 40 s so they keep arriving through the faults; AGENTS_FAULTS_TICKETS=1200 is the full run (spread over a minute).
/// </summary>
[TestFixture, NonParallelizable]
public sealed class ReplicatedServersFaultTests
{
    private const int RabbitNodes = 3;

    /// <summary>Unique tickets per scenario: 250 in CI, to keep the fixture and both scenarios near 3 minutes on a quiet machine.</summary>
    private static readonly int Tickets = FaultScenario.TicketsOr(250);

    /// <summary>How long the webhooks of a scenario are spread over, so they are still arriving when the faults end.</summary>
    private static readonly TimeSpan SendOver = TimeSpan.FromSeconds(AgentsFaultsFullRun ? 60 : 40);

    private static bool AgentsFaultsFullRun => Environment.GetEnvironmentVariable("AGENTS_FAULTS_TICKETS") is { Length: > 0 };

    /// <summary>How long a lost node stays down before it is started again.</summary>
    private static readonly TimeSpan NodeDown = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The longest a webhook may be answered 503 after a node is lost: the services find another node, and ingest's
    /// publishes are confirmed again, well within it (seconds, on a quiet machine); a 503 later than this, or with no
    /// node lost at all, means a publish failed that should not have.
    /// </summary>
    private static readonly TimeSpan Reconnect = TimeSpan.FromSeconds(45);

    /// <summary>
    /// From the primary's loss to the standby's promotion: Patroni's default leader lease (ttl 30 s), which an HA
    /// manager waits out before it promotes. Longer than the services' in-memory retries (~19 s), on purpose.
    /// </summary>
    private static readonly TimeSpan FailoverAfter = TimeSpan.FromSeconds(30);

    private FaultSystem _system = null!;

    [OneTimeSetUp]
    public async Task StartSystem()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        _system = await FaultSystem.StartAsync(RabbitNodes, standby: true);
        Progress($"system up in {clock.Elapsed.TotalSeconds:0}s on a {RabbitNodes}-node cluster and a primary with its standby; "
            + $"instance logs in {_system.LogDirectory}");
    }

    [OneTimeTearDown]
    public async Task StopSystem()
    {
        if (_system is not null)
            await _system.DisposeAsync();
    }

    [TearDown]
    public async Task Restore()
    {
        await _system.Servers.Broker.StartStoppedNodesAsync();
        await _system.RestoreAsync();
    }

    /// <summary>
    /// The node that leads the busiest queues dies (SIGKILL: its clients and peers get no goodbye), comes back after
    /// <see cref="NodeDown"/> and catches up; then the node that leads the busiest queues now is taken down cleanly
    /// (maintenance) and stays down while the run settles on the remaining two.
    /// </summary>
    [Test]
    public async Task Losing_the_node_that_leads_the_busiest_queues_and_then_another_loses_nothing()
    {
        var broker = _system.Servers.Broker;
        var losses = new List<(DateTimeOffset At, int Port)>();
        var scenario = new FaultScenario(_system, $"nodes{DateTime.UtcNow:HHmmss}", Tickets);
        var outcome = await scenario.RunAsync(async () =>
        {
            var first = await LeaderOfBusiestQueuesAsync(except: null);
            losses.Add((DateTimeOffset.UtcNow, first));
            await broker.StopNodeAsync(first, kill: true);
            Progress($"killed {ThrowawayBroker.NodeName(first)}");
            await Task.Delay(NodeDown);
            await broker.StartNodeAsync(first);
            Progress($"{ThrowawayBroker.NodeName(first)} started again; waiting for every quorum queue to have all its members");
            await EveryQuorumQueueWholeAsync();
            var second = await LeaderOfBusiestQueuesAsync(except: first);
            losses.Add((DateTimeOffset.UtcNow, second));
            await broker.StopNodeAsync(second);
            Progress($"stopped {ThrowawayBroker.NodeName(second)}; it stays down");
        }, faultAfterShare: 0.2, sendOver: SendOver);

        await OutcomeAssertions.AssertHeldAsync(_system, scenario, outcome);
        var refusals = outcome.Answers(HttpStatusCode.ServiceUnavailable);
        foreach (var (at, port) in losses)
        {
            var after = refusals.Where(r => r.At >= at && r.At <= at + Reconnect).ToList();
            Progress($"{ThrowawayBroker.NodeName(port)} lost at {at:HH:mm:ss}: {after.Count} webhooks answered 503"
                + (after.Count > 0 ? $", the last {(after[^1].At - at).TotalSeconds:0.0}s after" : ""));
        }
        Assert.That(refusals.Where(r => !losses.Any(l => r.At >= l.At && r.At <= l.At + Reconnect)).Select(r => $"{r.At:HH:mm:ss.fff} {r.Instance}"),
            Is.Empty, $"webhooks answered 503 only while a node loss kept publishes from being confirmed (up to {Reconnect.TotalSeconds:0}s after it); " +
            "each was accepted on a retry (checked above)");
    }

    /// <summary>
    /// The primary is lost (<c>pg_ctl stop -m immediate</c>: no shutdown, as when its machine goes) and, once an HA
    /// manager would have given up on it (<see cref="FailoverAfter"/>), the standby is promoted. The services find the
    /// new primary through their connection string's second host; every commit they were told of is on it
    /// (synchronous replication), so the saga's rows and the journal's unique key carry on where they were.
    /// </summary>
    [Test]
    public async Task Promoting_the_standby_once_the_primary_is_lost_loses_nothing()
    {
        var database = _system.Servers.Database;
        var scenario = new FaultScenario(_system, $"failover{DateTime.UtcNow:HHmmss}", Tickets);
        var outcome = await scenario.RunAsync(async () =>
        {
            await database.StopAsync("immediate");
            Progress($"primary on {database.PrimaryPort} lost; promoting the standby in {FailoverAfter.TotalSeconds:0}s");
            await Task.Delay(FailoverAfter);
            await database.PromoteStandbyAsync();
            Progress($"standby on {database.StandbyPort} promoted");
        }, faultAfterShare: 0.2, sendOver: SendOver);

        await OutcomeAssertions.AssertHeldAsync(_system, scenario, outcome);
        Assert.That(await database.IsStandbyAsync(database.StandbyPort!.Value), Is.False,
            "the books above were read from the promoted standby: the old primary is down");
    }

    /// <summary>
    /// The node (its AMQP port) leading the queues that carried the most messages so far, <paramref name="except"/>
    /// aside; a quorum queue's leader is the member every publish and delivery of it goes through.
    /// </summary>
    private async Task<int> LeaderOfBusiestQueuesAsync(int? except)
    {
        var queues = (await _system.Queues.DepthsAsync()).Where(q => q.Members > 0 && q.Leader is not null).ToList();
        var byLeader = queues.Where(q => except is null || q.Leader != ThrowawayBroker.NodeName(except.Value))
            .GroupBy(q => q.Leader!)
            .Select(g => (Node: g.Key, Activity: g.Sum(q => q.Activity), Queues: g.OrderByDescending(q => q.Activity).Take(3).Select(q => q.Name)))
            .OrderByDescending(l => l.Activity)
            .ToList();
        Assert.That(byLeader, Is.Not.Empty, "quorum queues with a leader: " + string.Join(", ", queues.Select(q => $"{q.Name}@{q.Leader}")));
        Progress("connections by node: " + string.Join(", ", (await _system.Servers.Broker.ConnectionsByNodeAsync()).Select(c => $"{c.Key} {c.Value}")));
        Progress("queue leaders by messages through their queues: "
            + string.Join("; ", byLeader.Select(l => $"{l.Node} {l.Activity} ({string.Join(", ", l.Queues)})")));
        return _system.Servers.Broker.PortOf(byLeader[0].Node);
    }

    /// <summary>
    /// Waits until every quorum queue has all its members online again, as an operator checks before taking down
    /// another node (<c>rabbitmq-diagnostics check_if_node_is_quorum_critical</c>).
    /// </summary>
    private async Task EveryQuorumQueueWholeAsync()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        IReadOnlyList<QueueDepth> missing;
        do
        {
            await Task.Delay(1000);
            missing = (await _system.Queues.TryDepthsAsync())?.Where(q => q.MissingMembers).ToList() ?? [new QueueDepth("(management API)", 0, 0)];
        }
        while (missing.Count > 0 && DateTime.UtcNow < deadline);
        Assert.That(missing.Select(q => $"{q.Name}: {q.Online}/{q.Members} online"), Is.Empty, "the restarted node rejoined every quorum queue");
    }

    private static void Progress(string line) => TestContext.Progress.WriteLine($"{DateTime.UtcNow:HH:mm:ss} {line}");
}
