using Agents.ServiceDefaults.Publishing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Agents.ServiceDefaults.Consuming;

/// <summary>
/// Looks at <see cref="HeldMessages"/> every few seconds and stops the instance once a message has been in hand past
/// the limit.
/// </summary>
public sealed class HeldMessagesGuard(HeldMessages held, SupervisorExit exit, IHostApplicationLifetime lifetime, TimeProvider clock,
    BrokerAlarm alarm, ILogger<HeldMessagesGuard> logger) : StopForSupervisor(exit, lifetime, clock, alarm, logger)
{
    protected override TimeSpan Limit => held.Limit;

    protected override TimeSpan MaxEvery => TimeSpan.FromSeconds(30);

    protected override string Cause =>
        "A message handled this long is stuck (a send or a call that never returns) and holds a place its endpoint needs";

    protected override ValueTask<string?> CheckAsync(CancellationToken cancellationToken) => ValueTask.FromResult(held.Check());
}
