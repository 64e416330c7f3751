using System.CommandLine;

namespace Agents.Cli.Api;

/// <summary><c>--json</c>: the service's answer as it came, for scripts (jq) instead of the table.</summary>
public static class JsonOption
{
    public static Option<bool> Create() => new("--json") { Description = "print the service's JSON as it came instead of a table" };
}
