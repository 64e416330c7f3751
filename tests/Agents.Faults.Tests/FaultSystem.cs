using Agents.Harness;
using Agents.Launcher;
using Npgsql;

namespace Agents.Faults.Tests;

/// <summary>
/// Everything a fault scenario runs against: its own broker and database (so they can be restarted; one of each, or
/// a RabbitMQ cluster and a PostgreSQL primary with its standby), the services as separate processes (2 ingest,
/// 2 classifier, 2 writer) connected to every node and server, the fake LLM, and the escalation probe.
/// </summary>
public sealed class FaultSystem : IAsyncDisposable
{
    public const string ApproverToken = "faults-approver-token";
    private const string Database = "agents";

    private FaultSystem(ThrowawayServers servers, FakeLlmServer llm, EscalationProbe escalations, SystemLauncher launcher, string logDirectory)
    {
        Servers = servers;
        Queues = new BrokerQueues(servers.Broker.ManagementPorts);
        Llm = llm;
        Escalations = escalations;
        Launcher = launcher;
        LogDirectory = logDirectory;
    }

    public ThrowawayServers Servers { get; }
    public FakeLlmServer Llm { get; }
    public EscalationProbe Escalations { get; }
    public BrokerQueues Queues { get; }
    public SystemLauncher Launcher { get; }
    public string LogDirectory { get; }
    public string ConnectionString => Servers.ConnectionString(Database);

    /// <param name="rabbitNodes">1, or the nodes of a RabbitMQ cluster.</param>
    /// <param name="standby">A PostgreSQL standby beside the primary.</param>
    public static async Task<FaultSystem> StartAsync(int rabbitNodes = 1, bool standby = false)
    {
        const int ingest = 2, classifier = 2, writer = 2;
        var servers = await ThrowawayServers.StartAsync(rabbitNodes, standby);
        FakeLlmServer? llm = null;
        try
        {
            await CreateDatabaseAsync(servers);
            // The fake LLM answers like the rules would on these tickets: urgent ones stay urgent (and escalate).
            llm = await FakeLlmServer.StartAsync(request => FakeLlmServer.ClassificationJson(
                priority: request.UserText.Contains("urgent", StringComparison.OrdinalIgnoreCase) ? "urgent" : "medium"));
            var escalations = await EscalationProbe.StartAsync(servers.Broker.AmqpPorts);
            var policy = Path.Combine(servers.Directory, "auto-approve-policy.json");
            await File.WriteAllTextAsync(policy, AutoApprovePolicy);
            var logs = Path.Combine(TestLogRoot, DateTime.UtcNow.ToString("yyyyMMdd-HHmmss"));
            var settings = new SystemSettings
            {
                Broker = SystemSettings.BrokerAt(servers.Broker.HostSetting, servers.Broker.AmqpPorts[0]),
                ConnectionString = servers.ConnectionString(Database),
                LogLevel = "Warning",
                ApproverName = "faults",
                ApproverToken = ApproverToken,
                BulkGuardOff = true,
                IngestExtras = new Dictionary<string, string?> { ["Ingest:RetryAfterSeconds"] = "1" },
                ClassifierExtras = new Dictionary<string, string?>(Redelivery)
                {
                    ["Classifier:Llm:Endpoint"] = llm.Endpoint.ToString(),
                    ["Classifier:Llm:Model"] = "gpt-4o-mini",
                    ["Classifier:Llm:ApiKey"] = "faults-test-key",
                    ["Classifier:Llm:Timeout"] = "00:00:05",
                },
                WriterExtras = new Dictionary<string, string?>(Redelivery)
                {
                    ["Writer:PolicyFile"] = policy,
                    // A write whose ApplyWrite died with a killed writer is re-driven after this (shipped: 10 minutes,
                    // longer than a run's settling budget).
                    ["Writer:ApplyStuckAfter"] = "00:00:20",
                    ["Writer:SweepInterval"] = "00:00:02",
                },
            };
            var launcher = await SystemLauncher.StartAsync(settings.LaunchOptions(ingest, classifier, writer, logs));
            return new FaultSystem(servers, llm, escalations, launcher, logs);
        }
        catch
        {
            if (llm is not null)
                await llm.DisposeAsync();
            await servers.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// The shipped redelivery schedule, compressed (5 s, 15 s, then every 30 s instead of 10 s, 1 min, 5 min, every
    /// 10 min): the same queues and code, but a message redelivered three times during an outage is back within a
    /// minute of the recovery, not five, so a scenario fits the CI budget.
    /// </summary>
    private static readonly Dictionary<string, string?> Redelivery = new()
    {
        ["Redelivery:Delays:0"] = "00:00:05",
        ["Redelivery:Delays:1"] = "00:00:15",
        ["Redelivery:Delays:2"] = "00:00:30",
    };

    /// <summary>
    /// Auto-approval for every kind the classifier proposes: writes go straight from proposal to the CRM, the drafted
    /// note included (without it in the policy each ticket's note was refused and no ticket counted as applied); and
    /// the escalation's hand-over write, auto-approved as shipped.
    /// </summary>
    private const string AutoApprovePolicy = """
        {
          "permissions": {
            "write:set-priority": { "allowed": true, "requires_approval": false },
            "write:add-tags": { "allowed": true, "requires_approval": false },
            "write:set-category": { "allowed": true, "requires_approval": false },
            "write:escalate": { "allowed": true, "requires_approval": false },
            "write:add-note": { "allowed": true, "requires_approval": false },
            "write:post-reply": { "allowed": true, "requires_approval": false }
          }
        }
        """;

    /// <summary>Instance logs stay after the run (CI keeps TestResults): the first place to look when a scenario fails.</summary>
    private static string TestLogRoot => Path.Combine(
        Environment.GetEnvironmentVariable("AGENTS_TEST_RESULTS") ?? Path.Combine(RepositoryPaths.Root, "TestResults"), "faults-logs");

    public IReadOnlyList<Uri> IngestUrls => Launcher.Of(ServiceKind.Ingest).Select(i => i.BaseUrl).ToList();

    /// <summary>
    /// Brings every kind back to its configured count (after a scenario killed instances, added one, or one stopped
    /// itself) and waits for ready.
    /// </summary>
    public async Task RestoreAsync()
    {
        foreach (var exited in await Launcher.ReplaceExitedAsync())
            TestContext.Progress.WriteLine($"{exited.Name} had exited on its own (code {exited.ExitCode}); replaced");
        foreach (var kind in Enum.GetValues<ServiceKind>())
        {
            while (Launcher.Of(kind).Count < Launcher.Options.CountOf(kind))
                await Launcher.AddInstanceAsync(kind);
            while (Launcher.Of(kind).Count > Launcher.Options.CountOf(kind)) // a scenario's extra instance
                await Launcher.StopAsync(Launcher.Of(kind)[^1]);
        }
        await Launcher.WaitUntilReadyAsync(TimeSpan.FromSeconds(90));
    }

    private static async Task CreateDatabaseAsync(ThrowawayServers servers)
    {
        await using var connection = new NpgsqlConnection(servers.ConnectionString("postgres"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{Database}\"", connection);
        await command.ExecuteNonQueryAsync();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Launcher.DisposeAsync();
        }
        finally
        {
            Queues.Dispose();
            await Llm.DisposeAsync();
            NpgsqlConnection.ClearAllPools();
            await Servers.DisposeAsync();
        }
    }
}
