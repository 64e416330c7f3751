using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Routing;

namespace Agents.ServiceDefaults;

public static class HealthEndpoints
{
    /// <summary>
    /// /health/live: the process answers. /health/ready: the checks tagged "ready" pass (MassTransit tags its bus
    /// check "ready", so a service is not ready while its broker connection is down).
    /// </summary>
    public static IEndpointRouteBuilder MapAgentsHealth(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready") });
        return app;
    }
}
