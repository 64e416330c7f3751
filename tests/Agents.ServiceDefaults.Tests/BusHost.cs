using System.Collections.Concurrent;
using System.Diagnostics;
using Agents.Harness;
using Agents.Testing;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Agents.ServiceDefaults.Tests;

/// <summary>A message of the tests' own; its endpoint is <see cref="BusHost.Queue"/>.</summary>
public sealed record Probe
{
    public required string Name { get; init; }

    /// <summary>What the consumer does with it: "ok", "transient" (a timeout every time), "transient-once", "permanent", "hang".</summary>
    public required string Behaviour { get; init; }
}

/// <summary>One delivery of a <see cref="Probe"/> as its consumer saw it.</summary>
public sealed record ProbeDelivery(string Name, Guid? MessageId, Guid? ConversationId, int RedeliveryCount, string? Marker,
    ActivityTraceId? TraceId, bool HasBrokerDeathHeaders, DateTime At);

/// <summary>Everything the probe consumer saw, across hosts (static: a restarted host must add to the same record).</summary>
public sealed class ProbeRecord
{
    public ConcurrentQueue<ProbeDelivery> Deliveries { get; } = new();

    /// <summary>What a "hang" probe waits for, whatever its cancellation says: a call that never returns, until the test lets it.</summary>
    public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IReadOnlyList<ProbeDelivery> Of(string name) => Deliveries.Where(d => d.Name == name).ToList();
}

public sealed class ProbeConsumer(ProbeRecord record) : IConsumer<Probe>
{
    public Task Consume(ConsumeContext<Probe> context)
    {
        var redelivery = context.GetRedeliveryCount();
        record.Deliveries.Enqueue(new ProbeDelivery(context.Message.Name, context.MessageId, context.ConversationId, redelivery,
            context.Headers.Get<string>("X-Test-Marker"), Activity.Current?.TraceId,
            context.ReceiveContext.TransportHeaders.TryGetHeader("x-death", out _), DateTime.UtcNow));
        return context.Message.Behaviour switch
        {
            "transient" => throw new TimeoutException("the database did not answer"),
            "transient-once" when redelivery == 0 => throw new TimeoutException("the database did not answer"),
            "permanent" => throw new ArgumentException("the message is wrong"),
            "hang" => record.Release.Task,
            _ => Task.CompletedTask,
        };
    }
}

/// <summary>
/// A host with the bus every service has (<see cref="BusRegistration.AddAgentsBus"/>), one endpoint (the probe
/// consumer's, queue <see cref="Queue"/>) and a one-retry in-memory policy so a test does not wait 19 s per round.
/// </summary>
public sealed class BusHost : IAsyncDisposable
{
    public const string Queue = "probe";

    private static readonly ActivitySource Source = new("Agents.ServiceDefaults.Tests");

    // Asks MassTransit's and our sources for activities, as a service's telemetry does, so trace context travels.
    private static readonly ActivityListener Listener = Listen();

    private readonly WebApplication _app;

    private BusHost(WebApplication app) => _app = app;

    public IBus Bus => _app.Services.GetRequiredService<IBus>();

    public IServiceProvider Services => _app.Services;

    /// <summary>Fires when the host begins to stop, of its own accord or the test's.</summary>
    public CancellationToken Stopping => _app.Lifetime.ApplicationStopping;

    public static Task<BusHost> StartAsync(IsolatedBroker broker, ProbeRecord record, IReadOnlyDictionary<string, string?>? settings = null) =>
        StartAsync(broker.Settings, record, settings);

    /// <param name="broker">The broker's configuration keys (<see cref="IsolatedBroker.Settings"/>, <see cref="OwnBroker.Settings"/>).</param>
    /// <param name="logs">Where the host's log lines also go (at its level, Warning).</param>
    public static async Task<BusHost> StartAsync(IReadOnlyDictionary<string, string?> broker, ProbeRecord record,
        IReadOnlyDictionary<string, string?>? settings = null, ILoggerProvider? logs = null)
    {
        _ = Listener;
        var merged = new Dictionary<string, string?>(broker)
        {
            ["Urls"] = "http://127.0.0.1:0",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Redelivery:Retries:0"] = "00:00:00.050",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            merged[key] = value;
        var builder = ServiceHost.CreateBuilder([], merged);
        builder.Services.AddSingleton(record);
        if (logs is not null)
            builder.Logging.AddProvider(logs);
        builder.AddAgentsBus(x => x.AddConsumer<ProbeConsumer>());
        var app = builder.Build();
        await app.StartAsync();
        var host = new BusHost(app);
        await Eventually.Until(() => Task.FromResult(app.Services.GetRequiredService<IBusControl>().CheckHealth().Status.ToString()),
            status => status == "Healthy", TimeSpan.FromSeconds(60), "the bus and its endpoint to start");
        return host;
    }

    /// <summary>Publishes from inside a trace of the test's own, with a header a copy must keep; returns the trace id.</summary>
    public async Task<ActivityTraceId> PublishAsync(Probe probe)
    {
        using var activity = Source.StartActivity("test publishes " + probe.Name) ?? throw new InvalidOperationException("no activity");
        await Bus.Publish(probe, c => c.Headers.Set("X-Test-Marker", "marker-" + probe.Name));
        return activity.TraceId;
    }

    private static ActivityListener Listen()
    {
        var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name is "MassTransit" or "Agents.ServiceDefaults.Tests",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
        };
        ActivitySource.AddActivityListener(listener);
        return listener;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
