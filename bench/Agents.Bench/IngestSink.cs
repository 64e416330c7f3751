using Agents.Harness;
using RabbitMQ.Client;

namespace Agents.Bench;

/// <summary>A durable queue bound to the TicketReceived exchange, so mandatory publishes are routable during the ingest benchmark.</summary>
public static class IngestSink
{
    private const string Queue = "bench-ingest-sink";

    /// <summary>Empties the sink between rounds, so every round publishes into the same (empty) queue.</summary>
    public static async Task PurgeAsync(IsolatedBroker broker)
    {
        await using var connection = await broker.ConnectionFactory().CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        await channel.QueuePurgeAsync(Queue);
    }

    public static async Task BindAsync(IsolatedBroker broker, string exchange)
    {
        await using var connection = await broker.ConnectionFactory().CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        await channel.ExchangeDeclareAsync(exchange, ExchangeType.Fanout, durable: true, autoDelete: false);
        await channel.QueueDeclareAsync(Queue, durable: true, exclusive: false, autoDelete: false);
        await channel.QueueBindAsync(Queue, exchange, "");
    }
}
