using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Agents.ServiceDefaults.Publishing;

/// <summary>
/// A guard that looks every tenth of its limit (at least every second, at most every <see cref="MaxEvery"/>) for a
/// reason the instance cannot mend from inside, and then stops it with one Critical line saying why; the reason goes
/// to <see cref="SupervisorExit"/>, so Program.cs returns <see cref="SupervisorExit.TryAgain"/> for the supervisor
/// that starts it again, and the messages the instance held go back to their queues.
/// </summary>
public abstract class StopForSupervisor(SupervisorExit exit, IHostApplicationLifetime lifetime, TimeProvider clock, ILogger logger)
    : BackgroundService
{
    /// <summary>How long the condition must last; zero or less: the guard never runs.</summary>
    protected abstract TimeSpan Limit { get; }

    protected abstract TimeSpan MaxEvery { get; }

    /// <summary>Why to stop now ("publishing to the broker has stalled (…)"), or null.</summary>
    protected abstract ValueTask<string?> CheckAsync(CancellationToken cancellationToken);

    /// <summary>What the instance cannot do and why a new process mends it, for the Critical line.</summary>
    protected abstract string Cause { get; }

    protected ILogger Logger => logger;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (Limit <= TimeSpan.Zero)
            return;
        var every = TimeSpan.FromTicks(Math.Clamp(Limit.Ticks / 10, TimeSpan.TicksPerSecond, MaxEvery.Ticks));
        using var timer = new PeriodicTimer(every, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                if (await CheckAsync(stoppingToken) is not { } why)
                    continue;
                logger.LogCritical("Stopping: {Why}. {Cause}; its supervisor should start it again (exit code {ExitCode}). "
                    + "Its unfinished messages go back to their queues", why, Cause, SupervisorExit.TryAgain);
                exit.Stopped(why);
                lifetime.StopApplication();
                return;
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
