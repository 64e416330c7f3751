using Agents.Launcher;

namespace Agents.Harness;

/// <summary>
/// The settings of a whole system (ingest, classifier, writer) as the tests and the benchmarks run it, spelled in one
/// place: broker and database, log levels, ingest taking the generic webhooks <see cref="SignedWebhooks"/> signs, one
/// approver, the bulk guard on or off, and each service's own extras. In-process hosts (<see cref="RunningService"/>)
/// take <see cref="Ingest"/>, <see cref="Classifier"/> and <see cref="Writer"/>; separate processes
/// (<see cref="SystemLauncher"/>) take <see cref="LaunchOptions"/>.
/// </summary>
public sealed record SystemSettings
{
    private static readonly IReadOnlyDictionary<string, string?> None = new Dictionary<string, string?>();

    /// <summary>The <c>RabbitMq</c> section (<see cref="BrokerAt"/>, or <see cref="IsolatedBroker.Settings"/>).</summary>
    public required IReadOnlyDictionary<string, string?> Broker { get; init; }

    public required string ConnectionString { get; init; }

    public string ApproverName { get; init; } = "tester";
    public string ApproverToken { get; init; } = "tester-approver-token";

    /// <summary>
    /// True: neither the per-minute nor the records-per-proposal limit (0 = off), so a load run's proposals all reach
    /// the policy instead of filling a bulk-review batch.
    /// </summary>
    public bool BulkGuardOff { get; init; }

    /// <summary>Log level of everything and of our own categories; null leaves the host's (or appsettings') levels.</summary>
    public string? LogLevel { get; init; }

    /// <summary>Settings every service gets beside broker and database (a database limit a test shortens for all).</summary>
    public IReadOnlyDictionary<string, string?> CommonExtras { get; init; } = None;

    public IReadOnlyDictionary<string, string?> IngestExtras { get; init; } = None;
    public IReadOnlyDictionary<string, string?> ClassifierExtras { get; init; } = None;
    public IReadOnlyDictionary<string, string?> WriterExtras { get; init; } = None;

    /// <summary>The <c>RabbitMq</c> section for a broker at <paramref name="host"/>:<paramref name="port"/>.</summary>
    public static IReadOnlyDictionary<string, string?> BrokerAt(string host, int port, string virtualHost = "/",
        string user = "guest", string password = "guest") => new Dictionary<string, string?>
    {
        ["RabbitMq:Host"] = host,
        ["RabbitMq:Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["RabbitMq:VirtualHost"] = virtualHost,
        ["RabbitMq:Username"] = user,
        ["RabbitMq:Password"] = password,
    };

    /// <summary>What every service gets: broker, database, log levels, <see cref="CommonExtras"/>.</summary>
    public IReadOnlyDictionary<string, string?> Common => Merge(Broker, new Dictionary<string, string?>
    {
        ["ConnectionStrings:Db"] = ConnectionString,
    }, LogLevel is null ? None : new Dictionary<string, string?>
    {
        ["Logging:LogLevel:Default"] = LogLevel,
        ["Logging:LogLevel:Agents"] = LogLevel,
    }, CommonExtras);

    public IReadOnlyDictionary<string, string?> Ingest => Merge(Common, IngestOnly);
    public IReadOnlyDictionary<string, string?> Classifier => Merge(Common, ClassifierExtras);
    public IReadOnlyDictionary<string, string?> Writer => Merge(Common, WriterOnly);

    /// <summary>The system as <paramref name="ingest"/>/<paramref name="classifier"/>/<paramref name="writer"/> processes.</summary>
    public SystemLaunchOptions LaunchOptions(int ingest, int classifier, int writer, string logDirectory) => new()
    {
        Ingest = ingest,
        Classifier = classifier,
        Writer = writer,
        LogDirectory = logDirectory,
        Common = Common,
        PerService = new Dictionary<ServiceKind, IReadOnlyDictionary<string, string?>>
        {
            [ServiceKind.Ingest] = IngestOnly,
            [ServiceKind.Classifier] = ClassifierExtras,
            [ServiceKind.Writer] = WriterOnly,
        },
    };

    private IReadOnlyDictionary<string, string?> IngestOnly => Merge(new Dictionary<string, string?>
    {
        ["Ingest:Sources:generic:Secret"] = SignedWebhooks.Secret,
    }, IngestExtras);

    private IReadOnlyDictionary<string, string?> WriterOnly => Merge(new Dictionary<string, string?>
    {
        ["Approvers:0:Name"] = ApproverName,
        ["Approvers:0:Token"] = ApproverToken,
    }, BulkGuardOff ? new Dictionary<string, string?>
    {
        ["Writer:BulkGuard:MaxProposalsPerMinute"] = "0",
        ["Writer:BulkGuard:MaxRecordsPerProposal"] = "0",
    } : None, WriterExtras);

    /// <summary>Later parts win, as configuration sources do.</summary>
    private static Dictionary<string, string?> Merge(params IReadOnlyDictionary<string, string?>[] parts)
    {
        var merged = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var part in parts)
            foreach (var (key, value) in part)
                merged[key] = value;
        return merged;
    }
}
