using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Agents.ServiceDefaults.Publishing;

/// <summary>What each service's Program.cs returns.</summary>
public static class ServiceExit
{
    /// <summary>
    /// Runs the service until it stops; the process's exit code: <see cref="SupervisorExit.TryAgain"/> when a guard
    /// stopped it (its publishing stalled, it held a message too long), for the supervisor that starts it again, else 0.
    /// The exit state is taken before the run: the host disposes its services when it stops (reading it after was exit
    /// code 134 on every stop).
    /// </summary>
    public static async Task<int> RunAsync(WebApplication app, Func<WebApplication, Task> run)
    {
        var exit = app.Services.GetRequiredService<SupervisorExit>();
        await run(app);
        return exit.ExitCode;
    }
}
