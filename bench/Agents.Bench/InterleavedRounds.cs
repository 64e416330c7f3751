using System.Globalization;

namespace Agents.Bench;

/// <summary>What one round of a workload did: how many operations, in how long, with what latencies.</summary>
public sealed record Round(int Count, TimeSpan Elapsed, Measurements Latency)
{
    /// <summary>How busy the machine's CPUs were during the round (0–1), NaN when unknown.</summary>
    public double CpuBusy { get; init; } = double.NaN;

    /// <summary>CPU milliseconds each process watched by the run used during the round, by its name.</summary>
    public IReadOnlyDictionary<string, double> ProcessCpu { get; init; } = new Dictionary<string, double>();

    public double PerSecond => Count / Elapsed.TotalSeconds;
}

/// <summary>One workload's rounds of an interleaved run; a row pools them all.</summary>
public sealed class Series(string name)
{
    private readonly List<Round> _rounds = [];

    public string Name { get; } = name;
    public IReadOnlyList<Round> Rounds => _rounds;
    public int Count => _rounds.Sum(r => r.Count);
    public TimeSpan Elapsed => TimeSpan.FromTicks(_rounds.Sum(r => r.Elapsed.Ticks));
    public double PerSecond => Count / Elapsed.TotalSeconds;

    public Measurements Latency
    {
        get
        {
            var all = new Measurements();
            foreach (var round in _rounds)
                all.Add(round.Latency);
            return all;
        }
    }

    internal void Add(Round round) => _rounds.Add(round);

    /// <summary>This series' rate over <paramref name="baseline"/>'s, round by round (the rounds ran side by side).</summary>
    public IReadOnlyList<double> RatiosTo(Series baseline) => _rounds.Zip(baseline.Rounds, (a, b) => a.PerSecond / b.PerSecond).ToList();

    public double MedianRatioTo(Series baseline) => Median(RatiosTo(baseline));

    public double MedianCpuBusy => Median(_rounds.Select(r => r.CpuBusy).ToList());

    /// <summary>CPU milliseconds per operation of each watched process over all rounds: where the series' cost lies.</summary>
    public IReadOnlyList<(string Process, double MillisecondsPerOperation)> CpuPerOperation() =>
        _rounds.SelectMany(r => r.ProcessCpu).GroupBy(p => p.Key)
            .Select(g => (g.Key, g.Sum(p => p.Value) / Count)).ToList();

    /// <summary>"cpu ms per operation: bench 0.62, postgres 0.41, broker 0.30 (1.33 in all)".</summary>
    public string CpuLine()
    {
        var parts = CpuPerOperation();
        return string.Create(CultureInfo.InvariantCulture,
            $"cpu ms per operation, {Name}: {string.Join(", ", parts.Select(p => $"{p.Process} {p.MillisecondsPerOperation:0.000}"))} ({parts.Sum(p => p.MillisecondsPerOperation):0.000} in all)");
    }

    public static double Median(IReadOnlyList<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    /// <summary>"ratio what: median 0.42 over 5 paired rounds (…) goal; CPU busy 97 % vs 71 %".</summary>
    public string RatioLine(Series baseline, string what, string goal) => string.Create(CultureInfo.InvariantCulture,
        $"ratio {what}: median {MedianRatioTo(baseline):0.00} over {Rounds.Count} paired rounds " +
        $"({string.Join(" ", RatiosTo(baseline).Select(r => r.ToString("0.00", CultureInfo.InvariantCulture)))}) {goal}; " +
        $"machine CPU busy {MedianCpuBusy:0%} vs {baseline.MedianCpuBusy:0%}");
}

/// <summary>
/// Runs competing workloads in alternating rounds (A, B, A, B, …) and compares them round by round. On 2 shared
/// cores the machine's speed drifts by a third within minutes (the broker's and PostgreSQL's background work, other
/// tenants); measured one after the other, a baseline and its candidate each see a different machine, and the ratio
/// moved from 0.3 to 0.45 between identical runs. Paired rounds see nearly the same machine, and the median of their
/// ratios ignores the one round a hiccup hit.
/// </summary>
public static class InterleavedRounds
{
    /// <param name="processes">Processes whose CPU each round reads (the bench's own, the servers'), by name.</param>
    public static async Task<IReadOnlyList<Series>> RunAsync(int rounds, IReadOnlyList<(string Name, Func<int, Task<Round>> Run)> workloads,
        CancellationToken cancellationToken, IReadOnlyList<(string Name, Func<double> Cpu)>? processes = null)
    {
        processes ??= [];
        var series = workloads.Select(w => new Series(w.Name)).ToList();
        for (var round = 0; round < rounds && !cancellationToken.IsCancellationRequested; round++)
            for (var i = 0; i < workloads.Count; i++)
            {
                var cpu = MachineCpu.Sample();
                var before = processes.Select(p => p.Cpu()).ToList();
                var result = await workloads[i].Run(round);
                series[i].Add(result with
                {
                    CpuBusy = MachineCpu.Sample().BusySince(cpu),
                    ProcessCpu = processes.Select((p, n) => (p.Name, Used: p.Cpu() - before[n])).ToDictionary(p => p.Name, p => p.Used),
                });
            }
        return series;
    }

    public static void Row(Series series, Series? baseline = null) =>
        Report.Row(series.Name, series.Count, series.Elapsed, series.Latency, baseline?.PerSecond);
}
