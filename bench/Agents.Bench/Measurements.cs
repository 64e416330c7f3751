using System.Globalization;

namespace Agents.Bench;

/// <summary>Latency samples and the figures printed from them.</summary>
public sealed class Measurements
{
    private readonly List<double> _millis = [];
    private readonly Lock _lock = new();

    public void Add(TimeSpan elapsed)
    {
        lock (_lock) _millis.Add(elapsed.TotalMilliseconds);
    }

    public void Add(Measurements other)
    {
        var theirs = other.Snapshot();
        lock (_lock) _millis.AddRange(theirs);
    }

    private List<double> Snapshot()
    {
        lock (_lock) return [.. _millis];
    }

    public int Count
    {
        get { lock (_lock) return _millis.Count; }
    }

    public double Percentile(double p)
    {
        lock (_lock)
        {
            if (_millis.Count == 0) return double.NaN;
            var sorted = _millis.Order().ToList();
            var rank = (int)Math.Ceiling(p / 100.0 * sorted.Count) - 1;
            return sorted[Math.Clamp(rank, 0, sorted.Count - 1)];
        }
    }
}

/// <summary>Prints aligned result rows: name, throughput, p50, p99, and a ratio against a baseline.</summary>
public static class Report
{
    public static void Header(string title)
    {
        Console.WriteLine();
        Console.WriteLine($"== {title}");
        Console.WriteLine($"{"what",-48} {"count",8} {"per sec",10} {"p50 ms",9} {"p99 ms",9} {"vs raw",8}");
    }

    public static void Row(string what, int count, TimeSpan elapsed, Measurements? latency = null, double? baselinePerSecond = null)
    {
        var perSecond = count / elapsed.TotalSeconds;
        var ratio = baselinePerSecond is { } b && b > 0 ? (perSecond / b).ToString("0.00", CultureInfo.InvariantCulture) : "";
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{what,-48} {count,8} {perSecond,10:0.0} {latency?.Percentile(50),9:0.0} {latency?.Percentile(99),9:0.0} {ratio,8}"));
    }
}
