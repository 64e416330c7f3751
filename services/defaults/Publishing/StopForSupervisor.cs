using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Agents.ServiceDefaults.Publishing;

/// <summary>
/// A guard that looks every tenth of its limit (at least every second, at most every <see cref="MaxEvery"/>) for a
/// reason the instance cannot mend from inside, and then stops it with one Critical line saying why; the reason goes
/// to <see cref="SupervisorExit"/>, so Program.cs returns <see cref="SupervisorExit.TryAgain"/> for the supervisor
/// that starts it again, and the messages the instance held go back to their queues.
/// Not while the broker blocks publishers (<see cref="BrokerAlarm"/>): sends that time out and messages held while
/// their sends wait are then the broker's memory or disk alarm, which a new process would meet the same, and restarting
/// would add connections to a broker already short of memory. The guard says so in one Error line and asks again a
/// limit later.
/// </summary>
public abstract class StopForSupervisor(SupervisorExit exit, IHostApplicationLifetime lifetime, TimeProvider clock, BrokerAlarm alarm,
    ILogger logger) : BackgroundService
{
    /// <summary>How long the condition must last; zero or less: the guard never runs.</summary>
    protected abstract TimeSpan Limit { get; }

    protected abstract TimeSpan MaxEvery { get; }

    /// <summary>Why to stop now ("publishing to the broker has stalled (…)"), or null.</summary>
    protected abstract ValueTask<string?> CheckAsync(CancellationToken cancellationToken);

    /// <summary>What the instance cannot do and why a new process mends it, for the Critical line.</summary>
    protected abstract string Cause { get; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (Limit <= TimeSpan.Zero)
            return;
        var every = TimeSpan.FromTicks(Math.Clamp(Limit.Ticks / 10, TimeSpan.TicksPerSecond, MaxEvery.Ticks));
        using var timer = new PeriodicTimer(every, clock);
        try
        {
            var quietUntil = DateTimeOffset.MinValue;
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                if (await CheckAsync(stoppingToken) is not { } why || clock.GetUtcNow() < quietUntil)
                    continue;
                if (await alarm.BlockingReasonAsync(stoppingToken) is { } blocked)
                {
                    logger.LogError("Not stopping although {Why}: the broker blocks publishers ({Alarm}), a memory or disk alarm on "
                        + "its side that a new instance would meet the same. Asking again in {Limit}", why, blocked, Limit);
                    quietUntil = clock.GetUtcNow() + Limit;
                    continue;
                }
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
