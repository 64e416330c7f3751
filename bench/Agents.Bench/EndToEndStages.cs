using System.Diagnostics;
using Agents.Contracts;
using Agents.Harness.Load;
using Agents.Launcher;
using Agents.Webhooks;
using Npgsql;

namespace Agents.Bench;

/// <summary>
/// One launched system (1 ingest, 1 classifier, 1 writer) measured whole and stage by stage on the same warm
/// processes: the whole (webhook → write held), ingest alone (webhooks in, its TicketReceived kept in a holding
/// queue), the classifier alone (fed those TicketReceived all at once, its proposals kept in turn: one ProposeWrites
/// message a ticket) and the writer alone (fed those messages all at once). Every workload also records each process's CPU per ticket.
/// </summary>
public sealed class EndToEndStages
{
    private readonly LaunchedSystem _system;
    // Made on the first stage round: the cluster benchmark measures only the whole, on brokers of its own that have
    // no virtual host of the benchmark's servers to divert in.
    private StageDetour? _tickets;
    private StageDetour? _proposals;
    private readonly Dictionary<string, List<Dictionary<string, double>>> _cpu = [];
    private int _proposalsPerRound;
    private int _proposingTickets; // tickets with a write held in the whole round: one ProposeWrites message each
    // When each prefix's webhooks began to be sent: its writes were proposed after it (see WaitHeldAsync).
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, DateTimeOffset> _sendingSince = new();

    public EndToEndStages(LaunchedSystem system) => _system = system;

    private async Task<StageDetour> TicketsAsync() => _tickets ??= await StageDetour.ForAsync<TicketReceived>(_system.Broker, "ticket-received");

    private async Task<StageDetour> ProposalsAsync() => _proposals ??= await StageDetour.ForAsync<ProposeWrites>(_system.Broker, "write-approval-state");

    // Found before the first measured round (it takes a look-up on each server).
    private IReadOnlyList<(string Name, Func<double> Cpu)> _servers = [];
    private bool _serversFound;

    /// <summary>
    /// Processes whose CPU is counted: each service instance, the bench itself (the load generator), and the broker
    /// and PostgreSQL when they run on this machine.
    /// </summary>
    private IEnumerable<(string Name, Func<double> Cpu)> Processes =>
        _system.Launcher.Instances.Select(i => (i.Name, (Func<double>)(() => ProcessCpu.Milliseconds(i.ProcessId))))
            .Append(("bench", () => ProcessCpu.Milliseconds(Environment.ProcessId)))
            .Concat(_servers);

    public IReadOnlyList<string> ProcessNames => Processes.Select(p => p.Name).ToList();

    /// <summary>Median CPU milliseconds per ticket of each process over the workload's rounds.</summary>
    public IReadOnlyDictionary<string, double> CpuPerTicket(string workload) => ProcessNames.ToDictionary(p => p,
        p => Series.Median(_cpu[workload].Select(r => r[p]).ToList()));

    /// <summary>Webhook → write held for approval, the measured path (latency: held minus webhook sent).</summary>
    public Task<Round> WholeAsync(string prefix, int tickets, CancellationToken cancellationToken) => MeasuredAsync("whole", tickets, async () =>
    {
        var deliveries = TicketDeliveries.Create(prefix, tickets, urgentEvery: 0, duplicateShare: 0);
        Sending(prefix);
        var results = await _system.Sender(32).SendAsync(deliveries, cancellationToken);
        var sentAt = results.Where(r => r.Accepted).ToDictionary(r => r.Delivery.ExternalId, r => r.AcceptedAt - r.Latency);
        var held = await WaitHeldAsync(prefix, sentAt.Count, eachWrite: false, cancellationToken);
        _proposalsPerRound = await RowsAsync(prefix, cancellationToken);
        _proposingTickets = held.Count;
        var latency = new Measurements();
        foreach (var (ticket, at) in held)
            if (sentAt.TryGetValue(ticket, out var sent))
                latency.Add(at - sent);
        var elapsed = held.Count == 0 ? TimeSpan.FromSeconds(1) : held.Values.Max() - sentAt.Values.Min();
        return new Round(held.Count, elapsed, latency);
    });

    /// <summary>Ingest alone: webhooks until each is answered; the tickets wait in a holding queue for the classifier's round.</summary>
    public Task<Round> IngestAsync(string prefix, int tickets, CancellationToken cancellationToken) => MeasuredAsync("ingest", tickets, async () =>
    {
        await (await TicketsAsync()).DivertAsync();
        var clock = Stopwatch.StartNew();
        Sending(prefix);
        var results = await _system.Sender(32).SendAsync(TicketDeliveries.Create(prefix, tickets, urgentEvery: 0, duplicateShare: 0), cancellationToken);
        return new Round(results.Count(r => r.Accepted), clock.Elapsed, new Measurements());
    });

    /// <summary>The classifier alone: the held tickets released at once; done when every ticket's proposals are held in turn.</summary>
    public Task<Round> ClassifierAsync(int tickets, CancellationToken cancellationToken) => MeasuredAsync("classifier", tickets, async () =>
    {
        await (await ProposalsAsync()).DivertAsync();
        var clock = Stopwatch.StartNew();
        await (await TicketsAsync()).ReleaseAsync(cancellationToken);
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(3);
        uint held;
        while ((held = await (await ProposalsAsync()).HeldAsync()) < _proposingTickets && DateTime.UtcNow < deadline)
            await Task.Delay(50, cancellationToken);
        if (held < _proposingTickets)
            await ReportShortfallAsync($"classifier stage: the proposals of {held} of {_proposingTickets} tickets held after 3 min");
        return new Round(tickets, clock.Elapsed, new Measurements());
    });

    /// <summary>The writer alone: the held proposals released at once; done when every one is a saga row awaiting approval.</summary>
    public Task<Round> WriterAsync(string prefix, int tickets, CancellationToken cancellationToken) => MeasuredAsync("writer", tickets, async () =>
    {
        var start = DateTimeOffset.UtcNow;
        await (await ProposalsAsync()).ReleaseAsync(cancellationToken);
        var held = await WaitHeldAsync(prefix, _proposalsPerRound, eachWrite: true, cancellationToken);
        var elapsed = held.Count == 0 ? TimeSpan.FromSeconds(1) : held.Values.Max() - start;
        return new Round(held.Select(h => h.Key.Split('|')[0]).Distinct().Count(), elapsed, new Measurements());
    });

    /// <summary>
    /// Webhooks at a fixed arrival rate (<see cref="OpenLoopLoad"/>), then when each ticket's first write was held:
    /// the latency run, measured like the other workloads (as <paramref name="workload"/>).
    /// </summary>
    public Task<(IReadOnlyList<DeliveryResult> Results, Dictionary<string, DateTimeOffset> Held)> OpenLoopAsync(string workload, string prefix,
        int tickets, double perSecond, CancellationToken cancellationToken) => MeasuredAsync(workload, tickets, async () =>
    {
        Sending(prefix);
        var results = await OpenLoopLoad.SendAsync(_system, TicketDeliveries.Create(prefix, tickets, urgentEvery: 0, duplicateShare: 0),
            perSecond, cancellationToken);
        // A backlog drains slowly on a busy machine: waited for until nothing moved for a minute.
        var held = await WaitHeldAsync(prefix, results.Count(r => r.Accepted), eachWrite: false, cancellationToken, quiet: TimeSpan.FromMinutes(1));
        return (results, held);
    });

    /// <summary>
    /// Prints where the messages are when a stage did not get all it waited for (seen once in a full run of
    /// 2026-12-05: 13 tickets of a round never reached the holding queue): every queue of the run holding any now.
    /// </summary>
    private async Task ReportShortfallAsync(string what)
    {
        var holding = new List<string>();
        foreach (var queue in await _system.Broker.QueueNamesAsync())
            if (await _system.Broker.MessagesNowAsync([queue]) is > 0 and var messages)
                holding.Add($"{queue} {messages}");
        Console.WriteLine($"({what}; queues holding messages: {(holding.Count == 0 ? "none" : string.Join(", ", holding))})");
    }

    /// <summary>Forgets the CPU of the rounds so far (the warm-up's), so the medians are of measured rounds only.</summary>
    public void ForgetCpu() => _cpu.Clear();

    /// <summary>
    /// Share of the services' CPU that the tiered JIT took in <paramref name="workload"/>'s last round: near zero once
    /// the hot paths are compiled for good, a fifth or more in a young process.
    /// </summary>
    public double JitShare(string workload)
    {
        var last = _cpu[workload][^1];
        var services = ServiceNames.Sum(p => last[p]);
        return services > 0 ? last[Jit] / services : 0;
    }

    /// <summary>Median JIT CPU milliseconds per ticket over the workload's rounds, all services together.</summary>
    public double JitPerTicket(string workload) => Series.Median(_cpu[workload].Select(r => r[Jit]).ToList());

    private const string Jit = "(jit)";

    private IEnumerable<string> ServiceNames => _system.Launcher.Instances.Select(i => i.Name);

    private async Task<T> MeasuredAsync<T>(string workload, int tickets, Func<Task<T>> run)
    {
        if (!_serversFound)
            (_servers, _serversFound) = (await ServerProcesses.FindAsync(_system), true);
        var (before, jitBefore) = (CpuNow(), JitNow());
        var round = await run();
        var (after, jitAfter) = (CpuNow(), JitNow());
        if (!_cpu.TryGetValue(workload, out var rounds))
            _cpu[workload] = rounds = [];
        var perTicket = after.ToDictionary(p => p.Key, p => (p.Value - before.GetValueOrDefault(p.Key)) / tickets);
        perTicket[Jit] = ProcessCpu.JitUsed(jitBefore, jitAfter) / tickets;
        rounds.Add(perTicket);
        return round;
    }

    private Dictionary<string, double> CpuNow() => Processes.ToDictionary(p => p.Name, p => p.Cpu());

    private Dictionary<string, double> JitNow() => _system.Launcher.Instances
        .SelectMany(i => ProcessCpu.JitThreads(i.ProcessId)).ToDictionary(t => t.Key, t => t.Value);

    private async Task<int> RowsAsync(string prefix, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(_system.Database.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("""SELECT count(*) FROM write_approvals WHERE "ExternalId" LIKE @like""", connection);
        command.Parameters.AddWithValue("like", prefix + "-%");
        return (int)(long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>Notes that webhooks of <paramref name="prefix"/> are about to be sent (for <see cref="WaitHeldAsync"/>).</summary>
    public void Sending(string prefix) => _sendingSince.TryAdd(prefix, DateTimeOffset.UtcNow);

    /// <summary>
    /// When each ticket's first write was held (with <paramref name="eachWrite"/>: each write, keyed <c>ticket|kind</c>),
    /// polled until <paramref name="expected"/> are or nothing moves for <paramref name="quiet"/> (15 s by default).
    /// The poll is the benchmark's, not the system's, yet PostgreSQL's CPU is counted as the system's: it reads only
    /// writes proposed since the prefix's webhooks were first sent (<see cref="Sending"/>, through the writer's (state,
    /// proposed at) index), twice a second. Matching the prefix alone, ten times a second, scanned every write of the
    /// run each time: 0.42 ms of PostgreSQL's time a ticket of the whole's 2.8 (pg_stat_statements), 0.28 with the
    /// index alone, 0.09 now. The figures do not depend on the poll's pace: the round's end and the latencies are the
    /// rows' own times.
    /// </summary>
    public async Task<Dictionary<string, DateTimeOffset>> WaitHeldAsync(string prefix, int expected, bool eachWrite,
        CancellationToken cancellationToken, TimeSpan? quiet = null)
    {
        var deadline = Stopwatch.StartNew();
        var lastChange = Stopwatch.StartNew();
        var held = new Dictionary<string, DateTimeOffset>();
        // A second of margin for the clocks of the processes that stamp a proposal (all on this machine).
        var since = _sendingSince.TryGetValue(prefix, out var sending) ? sending - TimeSpan.FromSeconds(1) : DateTimeOffset.MinValue;
        // Without progress for quiet (15 s by default) the wait ends, but only once progress began: on a busy machine
        // the first write of a cold system was held after more than 15 s, and the cluster benchmark reported rounds of 0 tickets.
        while (held.Count < expected && deadline.Elapsed < TimeSpan.FromMinutes(5)
               && lastChange.Elapsed < (held.Count == 0 ? TimeSpan.FromMinutes(2) : quiet ?? TimeSpan.FromSeconds(15)))
        {
            await Task.Delay(500, cancellationToken);
            await using var connection = new NpgsqlConnection(_system.Database.ConnectionString);
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand($"""
                SELECT "ExternalId"{(eachWrite ? """ || '|' || "Kind" """ : "")}, min("UpdatedAt") FROM write_approvals
                WHERE "CurrentState" = 'AwaitingApproval' AND "ProposedAt" >= @since AND "ExternalId" LIKE @like GROUP BY 1
                """, connection);
            command.Parameters.AddWithValue("like", prefix + "-%");
            command.Parameters.AddWithValue("since", since);
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
