using System.Diagnostics.Metrics;
using System.Collections.Concurrent;
using Agents.Classifier.Llm;
using Agents.Classifier.Persistence;
using Agents.Classifier.Pipeline;
using Agents.Contracts;
using Agents.Harness;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Agents.Classifier.Tests;

/// <summary>
/// The classifier's own service registrations (rules, LLM client, breaker, metrics, cache) in a container of the
/// test's, without the bus: for tests of the LLM path that need no broker. Several of them on one database act as
/// several instances.
/// </summary>
public sealed class InProcessClassifier : IAsyncDisposable
{
    private readonly ServiceProvider _services;
    private readonly MeterListener _listener = new();

    private InProcessClassifier(ServiceProvider services)
    {
        _services = services;
        Classifier = services.GetRequiredService<TicketClassifier>();
        Breaker = services.GetRequiredService<LlmBreaker>();
        // Only this container's meter: several instances in one process each have their own (Meter.Scope is the factory).
        var factory = services.GetRequiredService<IMeterFactory>();
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == ClassifierMetrics.MeterName && ReferenceEquals(instrument.Meter.Scope, factory))
                listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            var tag = tags.Length > 0 ? $"{tags[0].Key}={tags[0].Value}" : "";
            Measurements.AddOrUpdate($"{instrument.Name}|{tag}", value, (_, v) => v + value);
        });
        _listener.Start();
    }

    public TicketClassifier Classifier { get; }
    public LlmBreaker Breaker { get; }
    public IServiceProvider Services => _services;

    /// <summary>Sums of the classifier's counters by "name|tag=value" (what an exporter would see).</summary>
    public ConcurrentDictionary<string, long> Measurements { get; } = new();

    public long Measured(string name, string tag = "") => Measurements.GetValueOrDefault($"{name}|{tag}");

    /// <param name="services">Registrations of the test's, made before the classifier's own (which add only what is missing).</param>
    public static async Task<InProcessClassifier> StartAsync(FakeLlmServer? llm, IReadOnlyDictionary<string, string?>? settings = null,
        string? connectionString = null, Action<IServiceCollection>? services = null)
    {
        // The service tests' settings, in the same shape configuration binds them.
        var values = ClassifierHost.Settings(llm).ToDictionary();
        foreach (var (k, v) in settings ?? new Dictionary<string, string?>())
            values[k] = v;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();

        var collection = new ServiceCollection();
        collection.AddLogging(l => l.SetMinimumLevel(LogLevel.Warning));
        collection.AddSingleton<IHostEnvironment>(new ContentRootEnvironment("Agents.Classifier.Tests"));
        if (connectionString is null)
            collection.AddSingleton<IClassificationCache, InMemoryClassificationCache>();
        else
            collection.AddClassifierPersistence(connectionString);
        services?.Invoke(collection);
        collection.AddClassifierCore(configuration);
        var provider = collection.BuildServiceProvider();
        if (connectionString is not null)
            await ServiceDefaults.DatabaseMigration.MigrateAsync<ClassifierDbContext>(provider);
        return new InProcessClassifier(provider);
    }

    public Task<ClassificationResult> ClassifyAsync(TicketReceived ticket) =>
        Classifier.ClassifyAsync(ticket, new StepRecorder(ticket), CancellationToken.None);

    public static TicketReceived Ticket(string id, string subject, string body, bool needsHydration = false) => new()
    {
        Source = "test",
        ExternalId = id,
        EventKind = "created",
        DeliveryId = "d-" + id,
        Subject = subject,
        Body = body,
        NeedsHydration = needsHydration,
        ReceivedAt = DateTimeOffset.UtcNow,
    };

    public async ValueTask DisposeAsync()
    {
        _listener.Dispose();
        await _services.DisposeAsync();
    }
}
