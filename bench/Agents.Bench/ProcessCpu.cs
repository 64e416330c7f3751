using System.Globalization;

namespace Agents.Bench;

/// <summary>
/// CPU time a process has used so far, user and system (Linux <c>/proc/&lt;pid&gt;/stat</c>, fields 14 and 15, in
/// clock ticks of 10 ms); zero elsewhere or once the process is gone. The difference over a stage, divided by its
/// tickets, is that process's CPU cost per ticket: the sum-of-costs model on 2 shared cores.
/// </summary>
public static class ProcessCpu
{
    private const double MillisecondsPerTick = 10; // USER_HZ is 100 on every Linux we run on

    public static double Milliseconds(int processId) => FromStat($"/proc/{processId}/stat");

    /// <summary>The command name and the parent of a process of this machine; null if there is none by that id.</summary>
    public static (string Command, int Parent)? Identity(int processId)
    {
        var stat = ReadOrEmpty($"/proc/{processId}/stat");
        if (stat.Length == 0)
            return null;
        var command = stat[(stat.IndexOf('(') + 1)..stat.LastIndexOf(')')];
        return (command, int.Parse(Fields(stat)[1], CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// CPU so far of <paramref name="processId"/> and of its children, living and ended: a PostgreSQL server is a
    /// postmaster with a process per connection, and what an ended connection used the kernel adds to the
    /// postmaster's children times (fields 16 and 17) when it reaps it, so the sum never goes back.
    /// </summary>
    public static double WithChildrenMilliseconds(int processId)
    {
        var own = Fields(ReadOrEmpty($"/proc/{processId}/stat"));
        if (own.Length == 0)
            return 0;
        var total = (long.Parse(own[11]) + long.Parse(own[12]) + long.Parse(own[13]) + long.Parse(own[14])) * MillisecondsPerTick;
        var parent = processId.ToString(CultureInfo.InvariantCulture);
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!char.IsAsciiDigit(Path.GetFileName(directory)[0]))
                continue;
            var fields = Fields(ReadOrEmpty(Path.Combine(directory, "stat")));
            if (fields.Length > 12 && fields[1] == parent)
                total += (long.Parse(fields[11]) + long.Parse(fields[12])) * MillisecondsPerTick;
        }
        return total;
    }

    /// <summary>
    /// CPU so far of each of the runtime's tiered JIT threads (<c>.NET Tiered Com…</c>) in the process, by thread id:
    /// code still being recompiled, which is start-up, not the cost of a ticket. The runtime ends that thread when it
    /// has nothing to compile and starts a new one later, so a sum over the threads alive now can go down between two
    /// readings: compare readings thread by thread (<see cref="JitUsed"/>).
    /// </summary>
    public static IReadOnlyDictionary<string, double> JitThreads(int processId)
    {
        try
        {
            return Directory.EnumerateDirectories($"/proc/{processId}/task")
                .Where(task => ReadOrEmpty(Path.Combine(task, "comm")).StartsWith(".NET Tiered Com", StringComparison.Ordinal))
                .ToDictionary(task => $"{processId}/{Path.GetFileName(task)}", task => FromStat(Path.Combine(task, "stat")));
        }
        catch (IOException)
        {
            return new Dictionary<string, double>();
        }
    }

    /// <summary>
    /// JIT milliseconds between two readings: each thread alive at the second less what it had at the first (nothing,
    /// if it is new). A thread that ended in between takes its last part with it: a lower bound, never negative.
    /// </summary>
    public static double JitUsed(IReadOnlyDictionary<string, double> before, IReadOnlyDictionary<string, double> after) =>
        after.Sum(t => Math.Max(0, t.Value - before.GetValueOrDefault(t.Key)));

    private static string ReadOrEmpty(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (IOException)
        {
            return "";
        }
    }

    private static double FromStat(string path)
    {
        var fields = Fields(ReadOrEmpty(path));
        return fields.Length == 0 ? 0 : (long.Parse(fields[11]) + long.Parse(fields[12])) * MillisecondsPerTick;
    }

    /// <summary>The fields of a <c>stat</c> text from the third on (state, ppid, …); none for an empty text (the process is gone).</summary>
    private static string[] Fields(string stat) =>
        // The command name (field 2) may hold spaces: fields are counted after its closing parenthesis.
        stat.Length == 0 ? [] : stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
}
