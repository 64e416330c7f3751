namespace Agents.Bench;

/// <summary>
/// How busy the whole machine's CPUs were between two samples (Linux /proc/stat; unknown elsewhere). Printed beside a
/// figure, it tells a rate bound by CPU (near 100 %: every process on the box, the broker and PostgreSQL included,
/// shares the cores) from one bound by waiting (a serial step, a round trip).
/// </summary>
public readonly record struct MachineCpu(long Busy, long Total)
{
    public static MachineCpu Sample()
    {
        if (!File.Exists("/proc/stat"))
            return default;
        // cpu  user nice system idle iowait irq softirq steal …: idle and iowait are the idle part.
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(long.Parse).ToArray();
        var total = fields.Take(8).Sum();
        return new MachineCpu(total - fields[3] - fields[4], total);
    }

    /// <summary>Busy share of the CPUs from <paramref name="start"/> to this sample, or NaN when unknown.</summary>
    public double BusySince(MachineCpu start) => Total > start.Total ? (double)(Busy - start.Busy) / (Total - start.Total) : double.NaN;

    /// <summary>
    /// Waits until the machine has been quiet for a second (CPUs busy under <paramref name="busyBelow"/>) or
    /// <paramref name="atMost"/> passed; returns the last second's busy share. A benchmark that starts while the
    /// previous one's servers still clean up (a deleted virtual host's messages, a dropped database's files,
    /// autovacuum) measures that clean-up too: a p99 over 400 requests moved from 26× to 8× that way.
    /// </summary>
    public static async Task<double> WaitForQuietAsync(double busyBelow, TimeSpan atMost, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + atMost;
        while (true)
        {
            var start = Sample();
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            var busy = Sample().BusySince(start);
            if (double.IsNaN(busy) || busy < busyBelow || DateTime.UtcNow > deadline)
                return busy;
        }
    }
}
