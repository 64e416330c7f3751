using System.Text.Json;
using Agents.Classifier.Persistence;
using Agents.Contracts;
using Agents.Harness;
using Agents.Ingest;
using Agents.Ingest.Persistence;
using Agents.ServiceDefaults;

namespace Agents.Classifier.Tests;

/// <summary>The classifier service (and the ingest that feeds it) on a virtual host and database of their own, pointed at a fake LLM.</summary>
public static class ClassifierHost
{
    public const string OperatorToken = "op-token-5d1e";

    /// <param name="writerQueue">
    /// Whether a queue stands in for the writer's, bound to <see cref="ProposeWrites"/>: the classifier publishes a
    /// ticket's proposals mandatory and retries a ticket whose proposals no queue takes (<c>UnroutedOutcomeTests</c>),
    /// so a classifier tested alone needs somewhere for them to go.
    /// </param>
    public static async Task<RunningService> StartAsync(IsolatedServers servers, FakeLlmServer? llm,
        IReadOnlyDictionary<string, string?>? extra = null, bool writerQueue = true)
    {
        if (writerQueue)
            await BindStandInWriterQueueAsync(servers.Broker);
        return await RunningService.StartAsync(ClassifierService.Build,
            [servers.Broker.Settings, servers.Database.Settings, Settings(llm), extra ?? new Dictionary<string, string?>()],
            sp => DatabaseMigration.MigrateAsync<ClassifierDbContext>(sp));
    }

    private static async Task BindStandInWriterQueueAsync(IsolatedBroker broker)
    {
        await using var connection = await broker.ConnectionFactory().CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        var exchange = BusProbe.ExchangeOf(typeof(ProposeWrites));
        await BusProbe.DeclareExchangeAsync(channel, exchange);
        await channel.QueueDeclareAsync("stand-in-writer-proposals", durable: true, exclusive: false, autoDelete: false);
        await channel.QueueBindAsync("stand-in-writer-proposals", exchange, "");
    }

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

    /// <summary>
    /// The messages in envelopes a probe caught, each with its type's name; a ticket's proposals (one ProposeWrites)
    /// as one ProposeWrite each.
    /// </summary>
    public static List<(string Type, JsonElement Message)> Outcomes(IEnumerable<string> envelopes) =>
        envelopes.Select(e => JsonDocument.Parse(e).RootElement).SelectMany(Expanded).ToList();

    private static IEnumerable<(string Type, JsonElement Message)> Expanded(JsonElement envelope)
    {
        var type = envelope.GetProperty("messageType")[0].GetString()!.Split(':')[^1];
        var message = envelope.GetProperty("message");
        return type == nameof(ProposeWrites)
            ? message.GetProperty("writes").EnumerateArray().Select(w => (nameof(ProposeWrite), w))
            : [(type, message)];
    }

    /// <summary>The messages of <see cref="Outcomes"/> alone.</summary>
    public static List<JsonElement> Messages(IEnumerable<string> envelopes) => Outcomes(envelopes).Select(o => o.Message).ToList();
}
