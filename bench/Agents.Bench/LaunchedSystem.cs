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
    private readonly IAsyncDisposable _servers;

    private LaunchedSystem(IsolatedBroker? broker, IsolatedDatabase database, IAsyncDisposable servers, SystemLauncher launcher)
    {
        _broker = broker;
        Database = database;
        _servers = servers;
        Launcher = launcher;
    }

    /// <summary>The virtual host of the benchmark's broker the system runs on.</summary>
    public IsolatedBroker Broker => _broker ?? throw new InvalidOperationException("This system runs on a broker the benchmark started itself.");

    /// <summary>Whether the system runs on the benchmark's servers (false: on a broker the benchmark started itself).</summary>
    public bool RunsOnBenchServers => _broker is not null;
    public IsolatedDatabase Database { get; }
    public SystemLauncher Launcher { get; }

    /// <param name="brokerSettings">The <c>RabbitMq</c> section of a broker of the benchmark's own; null: a virtual host on the benchmark's servers.</param>
    public static async Task<LaunchedSystem> StartAsync(int ingest, int classifier, int writer,
        IReadOnlyDictionary<string, string?>? classifierSettings = null, CancellationToken cancellationToken = default,
        IReadOnlyDictionary<string, string?>? brokerSettings = null)
    {
        // Both on the run's servers, or only the database there when the benchmark brought its own broker.
        var servers = brokerSettings is null ? await IsolatedServers.CreateAsync() : null;
        var database = servers?.Database ?? await IsolatedDatabase.CreateAsync();
        IAsyncDisposable owned = (IAsyncDisposable?)servers ?? database;
        try
        {
            var settings = new SystemSettings
            {
                Broker = brokerSettings ?? servers!.Broker.Settings,
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
                settings.LaunchOptions(ingest, classifier, writer, Path.Combine(Path.GetTempPath(), "agents-bench", servers?.Broker.VirtualHost ?? database.Name)),
                cancellationToken);
            return new LaunchedSystem(servers?.Broker, database, owned, launcher);
        }
        catch
        {
            await owned.DisposeAsync();
            throw;
        }
    }

    /// <summary>The launched ingest instances' addresses.</summary>
    public IReadOnlyList<Uri> IngestUrls => Launcher.Of(ServiceKind.Ingest).Select(i => i.BaseUrl).ToList();

    /// <summary>A sender spreading signed generic webhooks over the ingest instances, without retries (a benchmark counts failures).</summary>
    /// <param name="timeout">How long an answer may take (the sender's default: 10 s).</param>
    public WebhookSender Sender(int concurrency, TimeSpan? timeout = null) =>
        CrmWebhooks.Sender(IngestUrls, concurrency, maxAttempts: 1, timeout: timeout);

    /// <summary>
    /// Waits until the services have worked off what was sent so far: no message ready in any queue of the system
    /// (asked over AMQP, which is current, unlike the management API's statistics), twice a second apart, and then
    /// <paramref name="inHand"/> more for messages a consumer holds unacknowledged.
    /// </summary>
    public async Task WaitUntilDrainedAsync(TimeSpan inHand, CancellationToken cancellationToken)
    {
        var queues = await Broker.QueueNamesAsync();
        await using var connection = await Broker.ConnectionFactory().CreateConnectionAsync();
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
        await _servers.DisposeAsync();
    }
}
