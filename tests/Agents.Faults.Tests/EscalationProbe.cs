using System.Text;
using System.Text.Json;
using RabbitMQ.Client;

namespace Agents.Faults.Tests;

/// <summary>One TicketEscalated message the probe took off the bus: enough to tell copies and causes apart.</summary>
public sealed record EscalationSeen(string ExternalId, string? MessageId, string? SentTime, string Reason, string? ClassifiedBy,
    double? Confidence, string? Priority, bool Redelivered)
{
    public override string ToString() => string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"escalation message {MessageId} sent {SentTime}{(Redelivered ? " (redelivered)" : "")}: {Reason}; "
        + $"classifiedBy={ClassifiedBy} priority={Priority} confidence={Confidence:0.00}");
}

/// <summary>
/// Records the tickets the classifier escalated (the outcome that leaves no saga row): a durable queue of the test's
/// own bound to MassTransit's TicketEscalated exchange, so it keeps what arrives across broker restarts, and a quorum
/// queue, so in a cluster it keeps it across the loss of a node too. Read it by draining; each drain uses a fresh
/// connection to the first node that answers, so a restarted broker or a lost node in between does no harm. Every
/// message is kept, so a failure can show each copy (which message, what decided it).
/// </summary>
public sealed class EscalationProbe(ConnectionFactory factory, IReadOnlyList<AmqpTcpEndpoint> nodes)
{
    public const string Queue = "faults-probe-ticket-escalated";
    private const string Exchange = "Agents.Contracts:TicketEscalated";
    private readonly Dictionary<string, int> _escalations = new(StringComparer.Ordinal);
    private readonly List<EscalationSeen> _seen = [];

    public static async Task<EscalationProbe> StartAsync(IReadOnlyList<int> amqpPorts)
    {
        var factory = new ConnectionFactory { UserName = "guest", Password = "guest" };
        var nodes = amqpPorts.Select(p => new AmqpTcpEndpoint("127.0.0.1", p)).ToList();
        var probe = new EscalationProbe(factory, nodes);
        await using var connection = await probe.ConnectAsync();
        await using var channel = await connection.CreateChannelAsync();
        // Same declaration as MassTransit's, so whichever side comes first, both agree.
        await channel.ExchangeDeclareAsync(Exchange, ExchangeType.Fanout, durable: true, autoDelete: false);
        await channel.QueueDeclareAsync(Queue, durable: true, exclusive: false, autoDelete: false,
            arguments: new Dictionary<string, object?> { ["x-queue-type"] = "quorum" });
        await channel.QueueBindAsync(Queue, Exchange, "");
        return probe;
    }

    private Task<IConnection> ConnectAsync() => factory.CreateConnectionAsync(nodes);

    /// <summary>Escalation messages seen per ticket id (more than one = the same escalation redelivered).</summary>
    public async Task<IReadOnlyDictionary<string, int>> DrainAsync()
    {
        await using var connection = await ConnectAsync();
        await using var channel = await connection.CreateChannelAsync();
        while (await channel.BasicGetAsync(Queue, autoAck: true) is { } message)
        {
            var seen = Parse(message.Body.Span, message.Redelivered);
            _escalations[seen.ExternalId] = _escalations.GetValueOrDefault(seen.ExternalId) + 1;
            _seen.Add(seen);
        }
        return new Dictionary<string, int>(_escalations);
    }

    /// <summary>Every escalation message drained so far for <paramref name="externalId"/>, in arrival order.</summary>
    public IReadOnlyList<EscalationSeen> SeenFor(string externalId) =>
        _seen.Where(s => string.Equals(s.ExternalId, externalId, StringComparison.Ordinal)).ToList();

    /// <summary>A MassTransit envelope of TicketEscalated (camelCase JSON) into what the report shows.</summary>
    public static EscalationSeen Parse(ReadOnlySpan<byte> body, bool redelivered)
    {
        using var envelope = JsonDocument.Parse(Encoding.UTF8.GetString(body));
        var root = envelope.RootElement;
        var message = root.GetProperty("message");
        var classification = message.TryGetProperty("classification", out var c) ? c : default;
        return new EscalationSeen(
            message.GetProperty("externalId").GetString()!,
            Text(root, "messageId"),
            Text(root, "sentTime"),
            Text(message, "reason") ?? "",
            classification.ValueKind == JsonValueKind.Object ? Text(classification, "classifiedBy") : null,
            classification.ValueKind == JsonValueKind.Object && classification.TryGetProperty("confidence", out var conf) ? conf.GetDouble() : null,
            classification.ValueKind == JsonValueKind.Object ? Text(classification, "priority") : null,
            redelivered);
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
