using Agents.Testing;
using RabbitMQ.Client;

namespace Agents.Bench;

/// <summary>A durable queue bound to the TicketReceived exchange, so mandatory publishes are routable during the ingest benchmark.</summary>
public static class IngestSink
{
    public static async Task<IConnection> ConnectAsync(IsolatedBroker broker) => await new ConnectionFactory
    {
        HostName = broker.Servers.RabbitHost,
        Port = broker.Servers.RabbitPort,
        VirtualHost = broker.VirtualHost,
        UserName = broker.Servers.RabbitUser,
        Password = broker.Servers.RabbitPassword,
    }.CreateConnectionAsync();

    public static async Task BindAsync(IsolatedBroker broker, string exchange)
    {
        await using var connection = await ConnectAsync(broker);
        await using var channel = await connection.CreateChannelAsync();
        await channel.ExchangeDeclareAsync(exchange, ExchangeType.Fanout, durable: true, autoDelete: false);
        await channel.QueueDeclareAsync("bench-ingest-sink", durable: true, exclusive: false, autoDelete: false);
        await channel.QueueBindAsync("bench-ingest-sink", exchange, "");
    }
}
