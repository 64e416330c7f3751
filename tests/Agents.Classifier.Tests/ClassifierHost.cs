using System.Text.Json;
using Agents.Classifier.Persistence;
using Agents.Harness;
using Agents.ServiceDefaults;

namespace Agents.Classifier.Tests;

/// <summary>The classifier service on its own virtual host and database, pointed at a fake LLM.</summary>
public static class ClassifierHost
{
    public const string OperatorToken = "op-token-5d1e";

    public static Task<RunningService> StartAsync(IsolatedBroker broker, IsolatedDatabase database, FakeLlmServer? llm,
        IReadOnlyDictionary<string, string?>? extra = null) =>
        RunningService.StartAsync(ClassifierService.Build, [broker.Settings, database.Settings, Settings(llm), extra ?? new Dictionary<string, string?>()],
            sp => DatabaseMigration.MigrateAsync<ClassifierDbContext>(sp));

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
