using System.Text.Json;
using Agents.Harness;
using RabbitMQ.Client;

namespace Agents.Bench;

/// <summary>
/// Feeds one stage of a running system with messages published before it starts, without restarting (and so
/// re-JITting) its process: the message type's exchange is unbound from the consumer's endpoint and bound to a
/// holding queue instead (<see cref="DivertAsync"/>); the upstream stage fills it; <see cref="ReleaseAsync"/> binds the
/// endpoint again and moves the held messages, envelope and headers untouched, into the consumer's queue.
/// MassTransit's topology: message exchange (<c>Agents.Contracts:TicketReceived</c>) → endpoint exchange → queue of
/// the same name.
/// </summary>
public sealed class StageDetour
{
    private readonly IsolatedBroker _broker;
    private readonly string _messageExchange;
    private readonly string _endpoint;
    private readonly string _holding;

    private StageDetour(IsolatedBroker broker, string messageExchange, string endpoint)
    {
        _broker = broker;
        _messageExchange = messageExchange;
        _endpoint = endpoint;
        _holding = "bench-held-" + endpoint;
    }

    public string Endpoint => _endpoint;

    /// <summary>
    /// The detour of <typeparamref name="T"/> around <paramref name="endpoint"/>, the consumer whose stage is measured.
    /// Other consumers of the type keep receiving it: they are part of the system's load, not of the stage.
    /// </summary>
    public static async Task<StageDetour> ForAsync<T>(IsolatedBroker broker, string endpoint)
    {
        var exchange = BusProbe.ExchangeOf(typeof(T));
        var endpoints = (await broker.BindingsFromAsync(exchange)).Where(b => b.GetProperty("destination_type").GetString() == "exchange")
            .Select(b => b.GetProperty("destination").GetString()!).Distinct().ToList();
        if (!endpoints.Contains(endpoint))
            throw new InvalidOperationException($"{exchange} is bound to {string.Join(", ", endpoints)}, not to {endpoint}");
        return new StageDetour(broker, exchange, endpoint);
    }

    /// <summary>From now on, <typeparamref name="T"/> messages wait in the holding queue instead of reaching the consumer.</summary>
    public async Task DivertAsync()
    {
        await using var connection = await _broker.ConnectionFactory().CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        await channel.QueueDeclareAsync(_holding, durable: true, exclusive: false, autoDelete: false);
        await channel.QueueBindAsync(_holding, _messageExchange, "");
        await channel.ExchangeUnbindAsync(_endpoint, _messageExchange, "");
    }

    /// <summary>Messages waiting in the holding queue.</summary>
    public async Task<uint> HeldAsync()
    {
        await using var connection = await _broker.ConnectionFactory().CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        return (await channel.QueueDeclarePassiveAsync(_holding)).MessageCount;
    }

    /// <summary>Routes the message type to its consumer again and moves every held message into the consumer's queue.</summary>
    public async Task<int> ReleaseAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _broker.ConnectionFactory().CreateConnectionAsync(cancellationToken);
        await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
        await channel.ExchangeBindAsync(_endpoint, _messageExchange, "", cancellationToken: cancellationToken);
        await channel.QueueUnbindAsync(_holding, _messageExchange, "", cancellationToken: cancellationToken);
        var moved = 0;
        while (await channel.BasicGetAsync(_holding, autoAck: true, cancellationToken) is { } message)
        {
            await channel.BasicPublishAsync("", _endpoint, false, new BasicProperties(message.BasicProperties), message.Body, cancellationToken);
            moved++;
        }
        return moved;
    }
}
