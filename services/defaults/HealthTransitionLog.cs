using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Agents.ServiceDefaults;

/// <summary>
/// Health in the log once per change, not once per probe. ASP.NET Core's health check service logs every unhealthy
/// result at Error, so an orchestrator probing /health/ready every few seconds fills the log (and the alerts) with a
/// line per probe and instance for as long as a broker outage lasts, and with a few more at every start. Instead the
/// checks run on a timer (<c>Health:Period</c>, default 10 s) and each check's change of status is logged once:
/// healthy → unhealthy at Error, not yet healthy since start at Warning, back to healthy at Information.
/// </summary>
public sealed class HealthTransitionLog(ILogger<HealthTransitionLog> logger) : IHealthCheckPublisher
{
    /// <summary>The category that logs each probe's unhealthy result; silenced in favour of the transitions.</summary>
    public const string ProbeCategory = "Microsoft.Extensions.Diagnostics.HealthChecks.DefaultHealthCheckService";

    // The publisher service calls PublishAsync one report at a time, so a plain dictionary is enough.
    private readonly Dictionary<string, HealthStatus> _last = new(StringComparer.Ordinal);

    public Task PublishAsync(HealthReport report, CancellationToken cancellationToken)
    {
        foreach (var (name, entry) in report.Entries)
        {
            var seen = _last.TryGetValue(name, out var previous);
            _last[name] = entry.Status;
            if (seen ? previous == entry.Status : entry.Status == HealthStatus.Healthy)
                continue;
            if (entry.Status == HealthStatus.Healthy)
                logger.LogInformation("Health check {HealthCheck} is Healthy again (was {Previous})", name, previous);
            else if (!seen || previous != HealthStatus.Healthy)
                logger.LogWarning(entry.Exception, "Health check {HealthCheck} is {Status} (was {Previous}): {Description}",
                    name, entry.Status, seen ? previous : "starting", entry.Description);
            else
                logger.LogError(entry.Exception, "Health check {HealthCheck} is {Status} (was Healthy): {Description}",
                    name, entry.Status, entry.Description);
        }
        return Task.CompletedTask;
    }
}

public static class HealthTransitionLogRegistration
{
    /// <summary>Health checks run every <c>Health:Period</c> and logged by <see cref="HealthTransitionLog"/>; per-probe logging off.</summary>
    public static IHostApplicationBuilder AddAgentsHealthLog(this IHostApplicationBuilder builder)
    {
        builder.Logging.AddFilter(HealthTransitionLog.ProbeCategory, LogLevel.None);
        builder.Services.AddHealthChecks();
        builder.Services.Configure<HealthCheckPublisherOptions>(o =>
        {
            o.Delay = TimeSpan.FromSeconds(2);
            o.Period = TimeSpan.FromSeconds(10);
        });
        builder.Services.Configure<HealthCheckPublisherOptions>(builder.Configuration.GetSection("Health"));
        builder.Services.AddSingleton<IHealthCheckPublisher, HealthTransitionLog>();
        return builder;
    }
}
