using System.Globalization;

namespace Agents.Bench;

/// <summary>
/// Latency under a realistic load (issue #18): tickets arrive at a fixed rate (100 a second for 60 s; 20 s with
/// <c>--quick</c>; <c>AGENTS_BENCH_OPENLOOP_RATE</c> for another rate) instead of all at once, through 1 ingest, 1 classifier (rules) and 1 writer; printed: webhook →
/// write held p50/p99 and each hop's share (<see cref="TicketHops"/>), and each process's CPU per ticket.
/// </summary>
public sealed class OpenLoopBenchmark : IBenchmark
{
    /// <summary>The issue's rate; <c>AGENTS_BENCH_OPENLOOP_RATE</c> sets another (a loaded machine that cannot sustain 100/s).</summary>
    private static readonly double PerSecond =
        double.TryParse(Environment.GetEnvironmentVariable("AGENTS_BENCH_OPENLOOP_RATE"), CultureInfo.InvariantCulture, out var rate) && rate > 0
            ? rate : 100;

    public string Name => "openloop";
    public string Description => "webhook → held latency per hop at a fixed 100 tickets/s (open loop), rules classifier";

    public async Task RunAsync(BenchContext context, CancellationToken cancellationToken)
    {
        var seconds = context.Quick ? 20 : 60;
        var tickets = (int)(PerSecond * seconds);
        Console.WriteLine();
        Console.WriteLine($"== open loop: {PerSecond:0} tickets/s for {seconds} s, webhook → held for approval, rules classifier, 1 instance per service");
        await using var system = await LaunchedSystem.StartAsync(1, 1, 1, cancellationToken: cancellationToken);
        var stages = new EndToEndStages(system);
        // Warm-up: JIT (until the tiered JIT is done with the hot path), connections and pools.
        await EndToEndBenchmark.WarmAsync(stages, context.Quick ? 200 : 500, cancellationToken);
        stages.ForgetCpu();
        Console.WriteLine($"(load average before: {File.ReadAllText("/proc/loadavg").Trim()})");

        var (results, held) = await stages.OpenLoopAsync("open loop", "ol", tickets, PerSecond, cancellationToken);
        var accepted = results.Count(r => r.Accepted);
        var sent = results.Where(r => r.Accepted).Select(r => r.AcceptedAt - r.Latency).DefaultIfEmpty().ToList();
        var span = sent.Max() - sent.Min();
        var refused = string.Join(", ", results.Where(r => !r.Accepted).GroupBy(r => r.Status?.ToString() ?? "no answer").Select(g => $"{g.Count()} {g.Key}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"sent {results.Count} over {span.TotalSeconds:0.0} s, accepted {accepted}{(refused.Length > 0 ? $" (not: {refused})" : "")}, held {held.Count} (load average after: {File.ReadAllText("/proc/loadavg").Trim()})"));
        var hops = await TicketHops.ReadAsync(system, "ol", results, held, cancellationToken);
        hops.Print();
        EndToEndBenchmark.PrintCpu(stages, ["open loop"], tickets);
    }
}
