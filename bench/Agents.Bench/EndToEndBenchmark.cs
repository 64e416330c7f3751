using System.Globalization;

namespace Agents.Bench;

/// <summary>
/// Webhook in → write held for approval, through ingest, the classifier (rules) and the writer's saga as separate
/// processes: the whole beside each stage alone, in paired rounds on the same warm processes (<see cref="EndToEndStages"/>),
/// with each process's CPU per ticket, and the sum-of-costs model whole ≈ 1 / Σ(1 / stage). Then the whole once
/// more with 3 instances per service (not with <c>--quick</c>).
/// </summary>
public sealed class EndToEndBenchmark : IBenchmark
{
    public string Name => "e2e";
    public string Description => "webhook → held for approval (rules): whole vs each stage alone, CPU per ticket per process; 1 vs 3 instances";

    public async Task RunAsync(BenchContext context, CancellationToken cancellationToken)
    {
        var (rounds, tickets) = context.Quick ? (2, 200) : (3, 1000);
        Report.Header($"end to end: {rounds} paired rounds of {tickets} tickets, webhook → held for approval, rules classifier, 1 instance per service");
        Console.WriteLine($"(load average before: {File.ReadAllText("/proc/loadavg").Trim()})");
        Series whole;
        await using (var system = await LaunchedSystem.StartAsync(1, 1, 1, cancellationToken: cancellationToken))
        {
            var stages = new EndToEndStages(system);
            // Warm-up: every path (whole and stages) once, JIT, connections and pools, before the clock counts.
            var warm = Math.Max(100, tickets / 3);
            await WarmAsync(stages, warm, cancellationToken);
            await stages.IngestAsync("warmstage", warm, cancellationToken);
            await stages.ClassifierAsync(warm, cancellationToken);
            await stages.WriterAsync("warmstage", warm, cancellationToken);
            stages.ForgetCpu();

            var series = await InterleavedRounds.RunAsync(rounds,
            [
                ("whole: webhook → write held", r => stages.WholeAsync($"whole{r}", tickets, cancellationToken)),
                ("stage ingest: webhook → TicketReceived queued", r => stages.IngestAsync($"stage{r}", tickets, cancellationToken)),
                ("stage classifier: queued tickets → proposals", _ => stages.ClassifierAsync(tickets, cancellationToken)),
                ("stage writer: queued proposals → held", r => stages.WriterAsync($"stage{r}", tickets, cancellationToken)),
            ], cancellationToken);
            whole = series[0];
            foreach (var row in series)
                InterleavedRounds.Row(row);
            PrintModel(series);
            PrintCpu(stages, ["whole", "ingest", "classifier", "writer"], tickets);
        }

        if (context.Quick)
            return; // 9 more processes take minutes to start on a busy machine; the quick run is about the stages
        await using var three = await LaunchedSystem.StartAsync(3, 3, 3, cancellationToken: cancellationToken);
        var threeStages = new EndToEndStages(three);
        await WarmAsync(threeStages, Math.Max(100, tickets / 3), cancellationToken);
        var scaled = await threeStages.WholeAsync("whole3", tickets, cancellationToken);
        Report.Row("whole, 3 instances per service", scaled.Count, scaled.Elapsed, scaled.Latency, whole.PerSecond);
    }

    /// <summary>
    /// Whole rounds until the tiered JIT takes under 5 % of the services' CPU (at most 6): a service a minute old
    /// still spends a fifth of its CPU recompiling hot methods, and counted per ticket that is start-up, not cost.
    /// </summary>
    internal static async Task WarmAsync(EndToEndStages stages, int tickets, CancellationToken cancellationToken)
    {
        for (var round = 0; round < 6; round++)
        {
            await stages.WholeAsync($"warm{round}", tickets, cancellationToken);
            var share = stages.JitShare("whole");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"(warm-up round {round + 1}: tiered JIT {share:0%} of the services' CPU)"));
            if (share < 0.05)
                return;
        }
    }

    /// <summary>The model per round (the stages' costs add up on shared cores) and the whole against it.</summary>
    private static void PrintModel(IReadOnlyList<Series> series)
    {
        var model = Enumerable.Range(0, series[0].Rounds.Count)
            .Select(r => 1 / series.Skip(1).Sum(s => 1 / s.Rounds[r].PerSecond)).ToList();
        var ratios = series[0].Rounds.Select((r, i) => r.PerSecond / model[i]).ToList();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"model 1/Σ(1/stage): median {Series.Median(model):0.0} tickets/s ({string.Join(" ", model.Select(m => m.ToString("0.0", CultureInfo.InvariantCulture)))}); " +
            $"whole/model median {Series.Median(ratios):0.00} ({string.Join(" ", ratios.Select(m => m.ToString("0.00", CultureInfo.InvariantCulture)))}) (goal >= 0.70); " +
            $"whole {Series.Median(series[0].Rounds.Select(r => r.PerSecond).ToList()):0.0}/s (goal >= 250)"));
    }

    /// <summary>
    /// Each process's CPU per ticket for the given workloads (median of their rounds), their sum, and the rate at which
    /// that sum would take every core of the machine: the most this machine can do with that work per ticket.
    /// </summary>
    internal static void PrintCpu(EndToEndStages stages, IReadOnlyList<string> workloads, int tickets)
    {
        Console.WriteLine($"CPU ms per ticket per process (median of rounds; /proc/<pid>/stat; {Environment.ProcessorCount} cores):");
        Console.WriteLine($"{"workload",-12} " + string.Join(" ", stages.ProcessNames.Select(p => $"{p,12}")) + $" {"sum",8} {"of it JIT",10} {"cores/sum",10}");
        foreach (var workload in workloads)
        {
            var cpu = stages.CpuPerTicket(workload);
            var sum = cpu.Values.Sum();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{workload,-12} {string.Join(" ", stages.ProcessNames.Select(p => $"{cpu[p],12:0.00}"))} {sum,8:0.00} {stages.JitPerTicket(workload),10:0.00} {Environment.ProcessorCount * 1000 / sum,8:0}/s"));
        }
    }
}
