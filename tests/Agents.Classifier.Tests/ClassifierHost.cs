using System.Text.Json;
using Agents.Classifier.Persistence;
using Agents.Harness;
using Agents.Ingest;
using Agents.Ingest.Persistence;
using Agents.ServiceDefaults;

namespace Agents.Classifier.Tests;

/// <summary>The classifier service (and the ingest that feeds it) on a virtual host and database of their own, pointed at a fake LLM.</summary>
public static class ClassifierHost
{
    public const string OperatorToken = "op-token-5d1e";

    public static Task<RunningService> StartAsync(IsolatedServers servers, FakeLlmServer? llm,
        IReadOnlyDictionary<string, string?>? extra = null) =>
        RunningService.StartAsync(ClassifierService.Build,
            [servers.Broker.Settings, servers.Database.Settings, Settings(llm), extra ?? new Dictionary<string, string?>()],
            sp => DatabaseMigration.MigrateAsync<ClassifierDbContext>(sp));

    /// <summary>Ingest on the same servers, taking the generic webhooks <see cref="SignedWebhooks"/> signs: what feeds the classifier.</summary>
    public static Task<RunningService> StartIngestAsync(IsolatedServers servers, IReadOnlyDictionary<string, string?>? extra = null) =>
        RunningService.StartAsync(IngestService.Build, [servers.Broker.Settings, servers.Database.Settings, new Dictionary<string, string?>
        {
            ["Ingest:Sources:generic:Secret"] = SignedWebhooks.Secret,
        }, extra ?? new Dictionary<string, string?>()], sp => DatabaseMigration.MigrateAsync<IngestDbContext>(sp));

    public static IReadOnlyDictionary<string, string?> Settings(FakeLlmServer? llm) => new Dictionary<string, string?>
    {
        ["Classifier:Llm:Endpoint"] = llm?.Endpoint.ToString() ?? "",
        ["Classifier:Llm:Model"] = "fake-model",
        ["Classifier:Llm:ApiKey"] = "sk-test-llm-key-not-a-secret-000",
        ["Classifier:Llm:Timeout"] = "00:00:03",
        ["Classifier:Breaker:ActiveThreshold"] = "5",
        ["Classifier:Breaker:TripThreshold"] = "50",
        ["Classifier:Breaker:ResetInterval"] = "00:00:00.300",
        ["Classifier:Operators:0:Name"] = "ops",
        ["Classifier:Operators:0:Token"] = OperatorToken,
    };

    /// <summary>The message inside a MassTransit envelope the probe recorded.</summary>
    public static JsonElement Message(string envelope) => JsonDocument.Parse(envelope).RootElement.GetProperty("message");
}
