using MassTransit;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Agents.ServiceDefaults.Publishing;

/// <summary>
/// Looks at <see cref="PublishingStall"/> every few seconds and stops the instance once its sends have stalled, with
/// one Critical line saying why; Program.cs then exits with <see cref="PublishingStall.StalledExitCode"/>. An instance
/// that consumes but cannot publish is worse than none: it holds its prefetched messages through minutes of retries.
/// </summary>
public sealed class PublishingStallGuard(PublishingStall stall, IBusControl bus, IOptions<RabbitMqOptions> rabbit,
    IHostApplicationLifetime lifetime, TimeProvider clock, ILogger<PublishingStallGuard> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (stall.Limit <= TimeSpan.Zero)
            return;
        // Often enough to act within a tenth of the limit (at least every second, at most every 10 s).
        var every = TimeSpan.FromTicks(Math.Clamp(stall.Limit.Ticks / 10, TimeSpan.TicksPerSecond, 10 * TimeSpan.TicksPerSecond));
        using var timer = new PeriodicTimer(every, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                // The broker away is an outage MassTransit recovers from by itself, not a stall. The bus's own check
                // does not see it for a bus without consumers (ingest's); the broker's port does.
                if (bus.CheckHealth().Status != BusHealthStatus.Healthy
                    || !await BrokerReachability.AnyAnswersAsync(rabbit.Value.Nodes, TimeSpan.FromSeconds(1), stoppingToken))
                {
                    stall.Disconnected();
                    continue;
                }
                if (stall.Check() is not { } why)
                    continue;
                logger.LogCritical("Stopping: publishing to the broker has stalled ({Why}). The instance cannot mend its channel; "
                    + "its supervisor should start it again (exit code {ExitCode}). Its unfinished messages go back to their queues",
                    why, PublishingStall.StalledExitCode);
                stall.Stopped = true;
                lifetime.StopApplication();
                return;
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
