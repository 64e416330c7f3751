using Agents.Replay;
using Microsoft.Extensions.Configuration;

namespace Agents.Cli;

/// <summary>
/// What the tool reads besides its command line: environment variables (tokens, base URLs) and the replay's
/// configuration. The process's own by default; tests hand in theirs instead of changing the process's environment.
/// </summary>
public sealed record CliEnvironment(Func<string, string?> Variable, Func<IConfiguration> ReplayConfiguration)
{
    public static CliEnvironment Process { get; } = new(Environment.GetEnvironmentVariable, ReplayCommand.DefaultConfiguration);
}
