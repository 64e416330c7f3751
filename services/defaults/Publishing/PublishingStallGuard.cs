using MassTransit;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Agents.ServiceDefaults.Publishing;

/// <summary>
/// Looks at <see cref="PublishingStall"/> every few seconds and stops the instance once its sends have stalled. An
/// instance that consumes but cannot publish is worse than none: it holds its prefetched messages through minutes of
/// retries. Not when the broker is away (an outage MassTransit recovers from) or blocks publishers (a resource alarm,
/// <see cref="BrokerAlarm"/>): neither is mended by a new process.
/// </summary>
public sealed class PublishingStallGuard(PublishingStall stall, IBusControl bus, IOptions<RabbitMqOptions> rabbit,
    SupervisorExit exit, IHostApplicationLifetime lifetime, TimeProvider clock, ILogger<PublishingStallGuard> logger)
    : StopForSupervisor(exit, lifetime, clock, logger)
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
        if (stall.Check() is not { } why)
            return null;
        // A broker in a resource alarm blocks every publisher: the timeouts are its state, not a channel of ours to
        // mend, and a restart would only add connections to a broker short of memory or disk. Said once a limit.
        if (await BrokerAlarm.BlockingReasonAsync(rabbit.Value, TimeSpan.FromSeconds(2), cancellationToken) is { } alarm)
        {
            stall.Explained();
            Logger.LogError("Publishing to the broker has failed for {Limit}: the broker blocks publishers ({Alarm}), a memory or disk "
                + "alarm on its side. Not stopping: a new instance would be blocked the same. Sends go through once the alarm clears",
                Limit, alarm);
            return null;
        }
        return $"publishing to the broker has stalled ({why})";
    }
}
