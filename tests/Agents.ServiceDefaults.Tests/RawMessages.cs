using System.Text;
using System.Text.Json;
using Agents.Harness;
using RabbitMQ.Client;

namespace Agents.ServiceDefaults.Tests;

/// <summary>Puts messages where a test wants them (an exchange, a queue), as MassTransit would have, with confirms.</summary>
public static class RawMessages
{
    /// <summary>A <see cref="Probe"/> in MassTransit's JSON envelope, as a consumer would receive it.</summary>
    public static ReadOnlyMemory<byte> Envelope(Guid messageId, string name, string behaviour = "ok") => Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new
    {
        messageId,
        messageType = new[] { "urn:message:Agents.ServiceDefaults.Tests:Probe" },
        message = new { name, behaviour },
    }));

    public static async Task PublishAsync(IsolatedBroker broker, string exchange, string routingKey, IEnumerable<(Guid Id, ReadOnlyMemory<byte> Body)> messages)
    {
        await using var connection = await broker.ConnectionFactory().CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync(new CreateChannelOptions(true, true));
        foreach (var (id, body) in messages)
        {
            var properties = new BasicProperties
            {
                MessageId = id.ToString(),
                ContentType = "application/vnd.masstransit+json",
                Persistent = true,
            };
            await channel.BasicPublishAsync(exchange, routingKey, mandatory: true, properties, body);
        }
    }
}
