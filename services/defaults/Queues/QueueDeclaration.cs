using RabbitMQ.Client;

namespace Agents.ServiceDefaults.Queues;

/// <summary>
/// Declares a queue we own with its exchanges and bindings. Declaring an existing one with the same arguments changes
/// nothing; with other arguments the broker refuses (406) and closes the channel.
/// </summary>
public static class QueueDeclaration
{
    public static async Task DeclareAsync(IChannel channel, OwnedQueue queue, CancellationToken cancellationToken)
    {
        await channel.QueueDeclareAsync(queue.Name, durable: true, exclusive: false, autoDelete: false, queue.Arguments, cancellationToken: cancellationToken);
        await BindAsync(channel, queue.Name, queue.Bindings, cancellationToken);
        foreach (var feed in queue.Feeds)
        {
            await channel.ExchangeDeclareAsync(feed.Exchange, feed.ExchangeType, durable: true, autoDelete: false, cancellationToken: cancellationToken);
            await channel.ExchangeBindAsync(queue.Name, feed.Exchange, feed.RoutingKey, cancellationToken: cancellationToken);
        }
    }

    /// <summary>Binds <paramref name="queue"/> (any queue: the owned one or its holding queue) wherever <paramref name="bindings"/> say.</summary>
    public static async Task BindAsync(IChannel channel, string queue, IEnumerable<QueueBinding> bindings, CancellationToken cancellationToken)
    {
        foreach (var binding in bindings)
        {
            await channel.ExchangeDeclareAsync(binding.Exchange, binding.ExchangeType, durable: true, autoDelete: false, cancellationToken: cancellationToken);
            await channel.QueueBindAsync(queue, binding.Exchange, binding.RoutingKey, cancellationToken: cancellationToken);
        }
    }

    public static async Task UnbindAsync(IChannel channel, string queue, IEnumerable<QueueBinding> bindings, CancellationToken cancellationToken)
    {
        foreach (var binding in bindings)
        {
            await channel.ExchangeDeclareAsync(binding.Exchange, binding.ExchangeType, durable: true, autoDelete: false, cancellationToken: cancellationToken);
            await channel.QueueUnbindAsync(queue, binding.Exchange, binding.RoutingKey, cancellationToken: cancellationToken);
        }
    }
}
