using Agents.ServiceDefaults;
using MassTransit;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Agents.Ingest;

/// <summary>
/// Ready means "a webhook now would be published and confirmed". MassTransit's bus check stays healthy for a bus
/// without consumers while its connection is gone, so ingest adds what it can observe: the broker's port
/// answers, and no publish failed in the last few seconds (without traffic the mark fades, so an idle instance
/// becomes ready again once the broker answers).
/// </summary>
public sealed class BrokerHealthCheck(IBusControl bus, BrokerStatus status, IOptions<RabbitMqOptions> rabbit) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var health = bus.CheckHealth();
        if (health.Status != BusHealthStatus.Healthy)
            return HealthCheckResult.Unhealthy($"bus {health.Status}: {health.Description}");
        if (status.LastPublishFailed)
            return HealthCheckResult.Unhealthy("the last publish was not confirmed by the broker");
        // A cluster: ready while any node answers (the bus moves to it when it loses its own).
        var nodes = rabbit.Value.Nodes;
        return await BrokerReachability.AnyAnswersAsync(nodes, TimeSpan.FromSeconds(1), cancellationToken)
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy($"the broker at {string.Join(", ", nodes)} does not answer");
    }
}

/// <summary>What the last publish told us about the broker.</summary>
public sealed class BrokerStatus(TimeProvider clock)
{
    private static readonly TimeSpan Memory = TimeSpan.FromSeconds(5);
    private long _failedAtTicks;

    public bool LastPublishFailed => clock.GetUtcNow().UtcTicks - Interlocked.Read(ref _failedAtTicks) < Memory.Ticks;

    public void Published(bool confirmed) => Interlocked.Exchange(ref _failedAtTicks, confirmed ? 0 : clock.GetUtcNow().UtcTicks);
}
