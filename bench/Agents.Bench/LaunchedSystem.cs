using Agents.Harness;
using Agents.Launcher;
using Agents.Webhooks;

namespace Agents.Bench;

/// <summary>
/// The services as separate processes (the launcher), N instances each, on a virtual host and a database of their
/// own on the benchmark's servers (or on a broker the benchmark started itself). Writes
/// are held for approval (the default policy), the bulk guard is off, and only urgent tickets escalate, so every
/// ticket of a run reaches the writer.
/// </summary>
public sealed class LaunchedSystem : IAsyncDisposable
{
    private readonly IsolatedBroker? _broker;

    private LaunchedSystem(IsolatedBroker? broker, IsolatedDatabase database, SystemLauncher launcher)
    {
        _broker = broker;
        Database = database;
        Launcher = launcher;
    }

    /// <summary>The virtual host of the benchmark's broker the system runs on.</summary>
    public IsolatedBroker Broker => _broker ?? throw new InvalidOperationException("This system runs on a broker the benchmark started itself.");
    public IsolatedDatabase Database { get; }
    public SystemLauncher Launcher { get; }

    /// <param name="brokerSettings">The <c>RabbitMq</c> section of a broker of the benchmark's own; null: a virtual host on the benchmark's servers.</param>
    public static async Task<LaunchedSystem> StartAsync(int ingest, int classifier, int writer,
        IReadOnlyDictionary<string, string?>? classifierSettings = null, CancellationToken cancellationToken = default,
        IReadOnlyDictionary<string, string?>? brokerSettings = null)
    {
        var broker = brokerSettings is null ? await IsolatedBroker.CreateAsync() : null;
        var database = await IsolatedDatabase.CreateAsync();
        try
        {
            var settings = new SystemSettings
            {
                Broker = brokerSettings ?? broker!.Settings,
                ConnectionString = database.ConnectionString,
                LogLevel = "Warning",
                ApproverName = "bench",
                ApproverToken = "bench-approver-token",
                BulkGuardOff = true,
                // The benchmarks measure capacity, not the per-source rate limiter (200/s by default).
                IngestExtras = new Dictionary<string, string?> { ["Ingest:RateLimit:PermitsPerSecond"] = "1000000" },
                ClassifierExtras = new Dictionary<string, string?>(classifierSettings ?? new Dictionary<string, string?>())
                {
                    ["Classifier:EscalationThreshold"] = "0",
                },
            };
            var launcher = await SystemLauncher.StartAsync(
                settings.LaunchOptions(ingest, classifier, writer, Path.Combine(Path.GetTempPath(), "agents-bench", broker?.VirtualHost ?? database.Name)),
                cancellationToken);
            return new LaunchedSystem(broker, database, launcher);
        }
        catch
        {
            await database.DisposeAsync();
            if (broker is not null)
                await broker.DisposeAsync();
            throw;
        }
    }

    /// <summary>A sender spreading signed generic webhooks over the ingest instances, without retries (a benchmark counts failures).</summary>
    /// <param name="timeout">How long an answer may take (the sender's default: 10 s).</param>
    public WebhookSender Sender(int concurrency, TimeSpan? timeout = null) => new(
        Launcher.Of(ServiceKind.Ingest).Select(i => i.BaseUrl).ToList(),
        (body, id) => SignedWebhooks.Generic("/" + WebhookSender.GenericPath, body, id),
        concurrency, maxAttempts: 1, timeout: timeout);

    /// <summary>
    /// Waits until the services have worked off what was sent so far: no message ready in any queue of the system
    /// (asked over AMQP, which is current, unlike the management API's statistics), twice a second apart, and then
    /// <paramref name="inHand"/> more for messages a consumer holds unacknowledged.
    /// </summary>
    public async Task WaitUntilDrainedAsync(TimeSpan inHand, CancellationToken cancellationToken)
    {
        var queues = await Broker.QueueNamesAsync();
        await using var connection = await IngestSink.ConnectAsync(Broker);
        await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(5);
        for (var quiet = 0; quiet < 2 && DateTime.UtcNow < deadline;)
        {
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            uint ready = 0;
            foreach (var queue in queues)
                ready += (await channel.QueueDeclarePassiveAsync(queue, cancellationToken)).MessageCount;
            quiet = ready == 0 ? quiet + 1 : 0;
        }
        await Task.Delay(inHand, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await Launcher.DisposeAsync();
        await Database.DisposeAsync();
        if (_broker is not null)
            await _broker.DisposeAsync();
    }
}
