using System.Text;
using System.Text.Json;
using RabbitMQ.Client;

namespace Agents.Faults.Tests;

/// <summary>
/// Records the tickets the classifier escalated (the outcome that leaves no saga row): a durable queue of the test's
/// own bound to MassTransit's TicketEscalated exchange, so it keeps what arrives across broker restarts. Read it by
/// draining; each drain uses a fresh connection, so a restarted broker in between does no harm.
/// </summary>
public sealed class EscalationProbe(ConnectionFactory factory)
{
    private const string Queue = "faults-probe-ticket-escalated";
    private const string Exchange = "Agents.Contracts:TicketEscalated";
    private readonly Dictionary<string, int> _escalations = new(StringComparer.Ordinal);

    public static async Task<EscalationProbe> StartAsync(int amqpPort)
    {
        var factory = new ConnectionFactory { HostName = "127.0.0.1", Port = amqpPort, UserName = "guest", Password = "guest" };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        // Same declaration as MassTransit's, so whichever side comes first, both agree.
        await channel.ExchangeDeclareAsync(Exchange, ExchangeType.Fanout, durable: true, autoDelete: false);
        await channel.QueueDeclareAsync(Queue, durable: true, exclusive: false, autoDelete: false);
        await channel.QueueBindAsync(Queue, Exchange, "");
        return new EscalationProbe(factory);
    }

    /// <summary>Escalation messages seen per ticket id (more than one = the same escalation redelivered).</summary>
    public async Task<IReadOnlyDictionary<string, int>> DrainAsync()
    {
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        while (await channel.BasicGetAsync(Queue, autoAck: true) is { } message)
        {
            using var envelope = JsonDocument.Parse(Encoding.UTF8.GetString(message.Body.Span));
            var externalId = envelope.RootElement.GetProperty("message").GetProperty("externalId").GetString()!;
            _escalations[externalId] = _escalations.GetValueOrDefault(externalId) + 1;
        }
        return new Dictionary<string, int>(_escalations);
    }
}
