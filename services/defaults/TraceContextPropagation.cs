using System.Diagnostics;
using Microsoft.Extensions.Hosting;

namespace Agents.ServiceDefaults;

/// <summary>
/// Where no exporter is configured: listens to our activity sources only to ask for propagation data. Activities
/// then exist (so MassTransit carries the trace context across the broker and log lines get trace ids) but record
/// nothing. Any real listener (an exporter, a test's provider) still gets full spans: the strongest request wins.
/// </summary>
public sealed class TraceContextPropagation : IHostedService, IDisposable
{
    private static readonly HashSet<string> Sources = ["MassTransit", AgentsTelemetry.ActivitySourceName, "Microsoft.AspNetCore"];

    private readonly ActivityListener _listener = new()
    {
        ShouldListenTo = source => Sources.Contains(source.Name),
        Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.PropagationData,
    };

    public TraceContextPropagation() => ActivitySource.AddActivityListener(_listener);

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose() => _listener.Dispose();
}
