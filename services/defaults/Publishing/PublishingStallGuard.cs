using MassTransit;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Agents.ServiceDefaults.Publishing;

/// <summary>
/// Looks at <see cref="PublishingStall"/> every few seconds and stops the instance once its sends have stalled. An
/// instance that consumes but cannot publish is worse than none: it holds its prefetched messages through minutes of
/// retries.
/// </summary>
public sealed class PublishingStallGuard(PublishingStall stall, IBusControl bus, IOptions<RabbitMqOptions> rabbit,
    SupervisorExit exit, IHostApplicationLifetime lifetime, TimeProvider clock, BrokerAlarm alarm, ILogger<PublishingStallGuard> logger)
    : StopForSupervisor(exit, lifetime, clock, alarm, logger)
{
    protected override TimeSpan Limit => stall.Limit;

    protected override TimeSpan MaxEvery => TimeSpan.FromSeconds(10);

    protected override string Cause => "The instance cannot mend its channel";

    protected override async ValueTask<string?> CheckAsync(CancellationToken cancellationToken)
    {
        // The broker away is an outage MassTransit recovers from by itself, not a stall. The bus's own check does not
        // see it for a bus without consumers (ingest's); the broker's port does.
        if (bus.CheckHealth().Status != BusHealthStatus.Healthy
            || !await BrokerReachability.AnyAnswersAsync(rabbit.Value.Nodes, TimeSpan.FromSeconds(1), cancellationToken))
        {
            stall.Disconnected();
            return null;
        }
        return stall.Check() is { } why ? $"publishing to the broker has stalled ({why})" : null;
    }
}
