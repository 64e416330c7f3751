using System.CommandLine;

namespace Agents.Replay;

/// <summary>How the tools end: the command's own exit code, or 2 when the command line itself was not usable.</summary>
public static class CommandLineExit
{
    /// <summary>
    /// Parses and runs <paramref name="command"/>. On a parse error System.CommandLine prints the errors and the help
    /// and returns 1; the tools have always answered a usage error with 2, which scripts can tell from a failed run.
    /// </summary>
    public static async Task<int> RunAsync(Command command, string[] args, InvocationConfiguration? invocation = null)
    {
        var parsed = command.Parse(args);
        var code = await parsed.InvokeAsync(invocation);
        return parsed.Errors.Count > 0 ? 2 : code;
    }
}
