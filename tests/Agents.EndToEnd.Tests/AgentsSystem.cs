using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Agents.Classifier;
using Agents.Classifier.Persistence;
using Agents.Harness;
using Agents.Ingest;
using Agents.Ingest.Persistence;
using Agents.ServiceDefaults;
using Agents.Webhooks;
using Agents.Writer;
using Agents.Writer.Persistence;

namespace Agents.EndToEnd.Tests;

/// <summary>All three services in this process, on their own virtual host and database.</summary>
public sealed class AgentsSystem : IAsyncDisposable
{
    public const string ApproverToken = "alice-token-7f3a";

    /// <summary>A second approver, for two people working the same page.</summary>
    public const string SecondApproverToken = "bob-token-4e1c";

    /// <summary>The operator's token for ingest's quarantine and the classifier's step log.</summary>
    public const string OperatorToken = "olga-operator-token-2c9d";

    private readonly IsolatedServers _servers;

    private AgentsSystem(IsolatedServers servers, RunningService writer, RunningService classifier, RunningService ingest)
    {
        _servers = servers;
        Writer = writer;
        Classifier = classifier;
        Ingest = ingest;
        writer.Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApproverToken);
    }

    public IsolatedBroker Broker => _servers.Broker;
    public IsolatedDatabase Database => _servers.Database;
    public RunningService Writer { get; }
    public RunningService Classifier { get; }
    public RunningService Ingest { get; }

    /// <param name="bulkGuardOff">True: no bulk review, for a replay whose hundreds of writes a minute are the point.</param>
    public static async Task<AgentsSystem> StartAsync(bool bulkGuardOff = false)
    {
        var servers = await IsolatedServers.CreateAsync();
        var settings = new SystemSettings
        {
            Broker = servers.Broker.Settings,
            ConnectionString = servers.Database.ConnectionString,
            ApproverName = "alice",
            ApproverToken = ApproverToken,
            BulkGuardOff = bulkGuardOff,
            IngestExtras = new Dictionary<string, string?> { ["Ingest:Operators:0:Name"] = "olga", ["Ingest:Operators:0:Token"] = OperatorToken },
            ClassifierExtras = new Dictionary<string, string?> { ["Classifier:Operators:0:Name"] = "olga", ["Classifier:Operators:0:Token"] = OperatorToken },
            WriterExtras = new Dictionary<string, string?> { ["Approvers:1:Name"] = "bob", ["Approvers:1:Token"] = SecondApproverToken },
        };
        var (writer, classifier, ingest) = await StartServicesAsync(settings);
        return new AgentsSystem(servers, writer, classifier, ingest);
    }

    /// <summary>
    /// The three services in this process with <paramref name="settings"/>, each migrating its tables first: the writer
    /// (it binds the queues the classifier publishes to), then the classifier, then ingest.
    /// </summary>
    public static async Task<(RunningService Writer, RunningService Classifier, RunningService Ingest)> StartServicesAsync(SystemSettings settings)
    {
        var writer = await RunningService.StartAsync(WriterService.Build, [settings.Writer],
            sp => DatabaseMigration.MigrateAsync<WriterDbContext>(sp));
        var classifier = await RunningService.StartAsync(ClassifierService.Build, [settings.Classifier],
            sp => DatabaseMigration.MigrateAsync<ClassifierDbContext>(sp));
        var ingest = await RunningService.StartAsync(IngestService.Build, [settings.Ingest],
            sp => DatabaseMigration.MigrateAsync<IngestDbContext>(sp));
        return (writer, classifier, ingest);
    }

    /// <summary>One signed generic webhook, sent once: for tests whose subject is ingest's answer.</summary>
    public Task<HttpResponseMessage> SendGenericAsync(string body, string webhookId) =>
        Ingest.Client.SendAsync(SignedWebhooks.Generic("/webhooks/generic", body, webhookId));

    /// <summary>One signed generic webhook sent as a CRM sends it (a 503 is tried again): for tests that need the ticket in.</summary>
    public Task<DeliveryResult> DeliverAsync(string body, string webhookId) => CrmWebhooks.SendAsync(Ingest.Address, body, webhookId);

    public async Task<List<JsonElement>> WritesAsync(string state = "AwaitingApproval") =>
        await Writer.Client.GetFromJsonAsync<List<JsonElement>>($"/approvals?state={state}") ?? [];

    public async ValueTask DisposeAsync()
    {
        await Ingest.DisposeAsync();
        await Classifier.DisposeAsync();
        await Writer.DisposeAsync();
        await _servers.DisposeAsync();
    }
}
