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

    /// <summary>
    /// The part of it the runtime's tiered JIT thread (<c>.NET Tiered Com…</c>) used: code still being recompiled,
    /// which is start-up, not the cost of a ticket. A young service spends a fifth of its CPU there.
    /// </summary>
    public static double JitMilliseconds(int processId)
    {
        try
        {
            return Directory.EnumerateDirectories($"/proc/{processId}/task")
                .Where(task => ReadOrEmpty(Path.Combine(task, "comm")).StartsWith(".NET Tiered Com", StringComparison.Ordinal))
                .Sum(task => FromStat(Path.Combine(task, "stat")));
        }
        catch (IOException)
        {
            return 0;
        }
    }

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
        var stat = ReadOrEmpty(path);
        if (stat.Length == 0)
            return 0;
        // The command name (field 2) may hold spaces: fields are counted after its closing parenthesis.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11]) + long.Parse(fields[12])) * MillisecondsPerTick;
    }
}
