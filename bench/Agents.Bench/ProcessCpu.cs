namespace Agents.Bench;

/// <summary>
/// CPU time a process has used so far, user and system (Linux <c>/proc/&lt;pid&gt;/stat</c>, fields 14 and 15, in
/// clock ticks of 10 ms); zero elsewhere or once the process is gone. The difference over a stage, divided by its
/// tickets, is that process's CPU cost per ticket: the sum-of-costs model on 2 shared cores.
/// </summary>
public static class ProcessCpu
{
    private const double MillisecondsPerTick = 10; // USER_HZ is 100 on every Linux we run on

    public static double Milliseconds(int processId)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{processId}/stat");
            // The command name (field 2) may hold spaces: fields are counted after its closing parenthesis.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return (long.Parse(fields[11]) + long.Parse(fields[12])) * MillisecondsPerTick;
        }
        catch (IOException)
        {
            return 0;
        }
    }
}
