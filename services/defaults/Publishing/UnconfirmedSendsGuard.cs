using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Agents.ServiceDefaults.Publishing;

/// <summary>
/// Looks at <see cref="UnconfirmedSends"/> every few seconds and stops the instance once a send has waited past the
/// limit for a confirmation that will not come.
/// </summary>
public sealed class UnconfirmedSendsGuard(UnconfirmedSends sends, SupervisorExit exit, IHostApplicationLifetime lifetime, TimeProvider clock,
    BrokerAlarm alarm, ILogger<UnconfirmedSendsGuard> logger) : StopForSupervisor(exit, lifetime, clock, alarm, logger)
{
    protected override TimeSpan Limit => sends.Limit;

    protected override TimeSpan MaxEvery => TimeSpan.FromSeconds(10);

    protected override string Cause =>
        "A send waiting this long waits on a channel that closed (RabbitMQ.Client leaves its confirmation pending) and keeps its message in hand";

    protected override ValueTask<string?> CheckAsync(CancellationToken cancellationToken) => ValueTask.FromResult(sends.Check());
}
