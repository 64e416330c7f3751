using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Agents.ServiceDefaults.Consuming;

/// <summary>
/// Looks at <see cref="HeldMessages"/> every few seconds and stops the instance once a message has been in hand past
/// the limit, with one Critical line saying which; Program.cs then exits with 75 for its supervisor to start it again.
/// </summary>
public sealed class HeldMessagesGuard(HeldMessages held, IHostApplicationLifetime lifetime, TimeProvider clock,
    ILogger<HeldMessagesGuard> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (held.Limit <= TimeSpan.Zero)
            return;
        // Often enough to act within a tenth of the limit (at least every second, at most every 30 s).
        var every = TimeSpan.FromTicks(Math.Clamp(held.Limit.Ticks / 10, TimeSpan.TicksPerSecond, 30 * TimeSpan.TicksPerSecond));
        using var timer = new PeriodicTimer(every, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                if (held.Check() is not { } why)
                    continue;
                logger.LogCritical("Stopping: {Why}. A message handled this long is stuck (a send or a call that never returns) "
                    + "and holds a place the endpoint needs; its supervisor should start the instance again (exit code {ExitCode}). "
                    + "The messages it holds go back to their queues", why, Publishing.PublishingStall.StalledExitCode);
                held.Stopped = true;
                lifetime.StopApplication();
                return;
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
