using System.Collections.Concurrent;
using System.Text;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace Agents.Harness;

/// <summary>
/// A queue of the test's own, bound to the exchange MassTransit publishes a message type to, that records every
/// message body: proves what was, and was not, published.
/// </summary>
public sealed class BusProbe : IAsyncDisposable
{
    private readonly IConnection _connection;
    private readonly IChannel _channel;

    private BusProbe(IConnection connection, IChannel channel)
    {
        _connection = connection;
        _channel = channel;
    }

    public ConcurrentQueue<string> Bodies { get; } = new();
    public ConcurrentQueue<IReadOnlyBasicProperties> Properties { get; } = new();
    public int Count => Bodies.Count;

    /// <summary>Binds to the exchanges of the given message types (MassTransit names them Namespace:Type).</summary>
    public static Task<BusProbe> StartAsync(IsolatedBroker broker, params Type[] messageTypes) =>
        StartAsync(broker, messageTypes.Select(ExchangeOf));

    /// <summary>The fanout exchange MassTransit publishes a message type to (<c>Agents.Contracts:TicketReceived</c>).</summary>
    public static string ExchangeOf(Type messageType) => $"{messageType.Namespace}:{messageType.Name}";

    /// <summary>Declares a message type's exchange as MassTransit declares it, so whichever side comes first, both agree.</summary>
    public static Task DeclareExchangeAsync(IChannel channel, string exchange) =>
        channel.ExchangeDeclareAsync(exchange, ExchangeType.Fanout, durable: true, autoDelete: false);

    /// <summary>
    /// The given message types and the faults MassTransit publishes for each when a consumer fails (a fault carries
    /// the message): with every contract type, all the system puts on the bus.
    /// </summary>
    public static Task<BusProbe> StartWithFaultsAsync(IsolatedBroker broker, IEnumerable<Type> messageTypes)
    {
        var names = messageTypes.Select(ExchangeOf).ToList();
        return StartAsync(broker, names.Concat(names.Select(n => $"MassTransit:Fault--{n}--")));
    }

    /// <summary>Binds to the named fanout exchanges (declared as MassTransit declares them, if they do not exist yet).</summary>
    public static async Task<BusProbe> StartAsync(IsolatedBroker broker, IEnumerable<string> exchanges)
    {
        var connection = await broker.ConnectionFactory().CreateConnectionAsync();
        var channel = await connection.CreateChannelAsync();
        var queue = (await channel.QueueDeclareAsync("", durable: false, exclusive: true, autoDelete: true)).QueueName;
        foreach (var exchange in exchanges)
        {
            await DeclareExchangeAsync(channel, exchange);
            await channel.QueueBindAsync(queue, exchange, "");
        }
        var probe = new BusProbe(connection, channel);
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += (_, delivery) =>
        {
            probe.Bodies.Enqueue(Encoding.UTF8.GetString(delivery.Body.Span));
            probe.Properties.Enqueue(delivery.BasicProperties);
            return Task.CompletedTask;
        };
        await channel.BasicConsumeAsync(queue, autoAck: true, consumer);
        return probe;
    }

    /// <summary>
    /// Sends the <paramref name="index"/>th recorded message again, body and headers as they were, straight into
    /// <paramref name="queue"/>: what an operator's shovel from <c>{queue}_error</c> back to the queue does.
    /// </summary>
    public async Task ResendAsync(int index, string queue)
    {
        var body = Encoding.UTF8.GetBytes(Bodies.ElementAt(index));
        var recorded = Properties.ElementAt(index);
        var properties = new BasicProperties
        {
            ContentType = recorded.ContentType,
            MessageId = recorded.MessageId,
            Headers = recorded.Headers,
            DeliveryMode = DeliveryModes.Persistent,
        };
        await _channel.BasicPublishAsync("", queue, mandatory: true, properties, body);
    }

    public async ValueTask DisposeAsync()
    {
        await _channel.CloseAsync();
        await _connection.CloseAsync();
        _channel.Dispose();
        _connection.Dispose();
    }
}
