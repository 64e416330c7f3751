using Microsoft.Extensions.Logging;
using RabbitMQ.Client;

namespace Agents.ServiceDefaults.Queues;

/// <summary>
/// Recreates a queue with other arguments (classic to quorum, quorum to classic, another delivery limit: RabbitMQ
/// cannot change them in place) without losing a message. Its bindings move to a holding queue of the new type
/// (<c>{queue}-migrating</c>), so what is published meanwhile waits there; its messages follow; once nothing can reach
/// it, it is empty and nobody consumes from it, it is deleted and declared anew, and everything moves back. Each
/// message moves as it was (body, properties, headers, routing key: a delayed message still knows its way home) and
/// is acknowledged only once the broker confirmed its copy, so a crash can leave a copy twice, never none (every
/// consumer here is idempotent); the next start finishes what was begun. The caller holds the migration lock.
/// </summary>
public sealed class QueueMigration(IConnection connection, RabbitMqOptions options, ILogger logger)
{
    /// <summary>How long a message routed just before its bindings moved may take to land (a quorum queue appends through Raft).</summary>
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(1);

    public static string HoldingName(string queue) => queue + "-migrating";

    /// <summary>Leaves <paramref name="queue"/> declared as configured, bound as configured, and holding every message it held.</summary>
    public async Task MigrateAsync(OwnedQueue queue, CancellationToken cancellationToken)
    {
        var holding = HoldingName(queue.Name);
        var moved = 0;
        if (await BrokerReplies.TryAsync(connection, c => c.QueueDeclareAsync(queue.Name, durable: true, exclusive: false, autoDelete: false,
                queue.Arguments, cancellationToken: cancellationToken), cancellationToken) is { } refusal)
        {
            logger.LogWarning("Queue {Queue} differs from its configuration ({Refusal}): moving its messages to {Holding} and recreating it",
                queue.Name, refusal.Text, holding);
            await DeclareHoldingAsync(holding, cancellationToken);
            await using (var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken))
            {
                // From here on everything published for the queue waits in the holding queue.
                await QueueDeclaration.BindAsync(channel, holding, queue.Bindings, cancellationToken);
                await QueueDeclaration.UnbindAsync(channel, queue.Name, queue.Bindings, cancellationToken);
            }
            moved += await DrainAndDeleteAsync(queue.Name, holding, cancellationToken);
        }

        if (!await BrokerReplies.ExistsAsync(connection, holding, cancellationToken))
            return;
        await using (var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken))
        {
            await QueueDeclaration.DeclareAsync(channel, queue, cancellationToken);
            // The holding exchange now leads to the new queue, and nothing leads to the holding queue any more.
            await channel.ExchangeDeclareAsync(holding, ExchangeType.Fanout, durable: true, autoDelete: false, cancellationToken: cancellationToken);
            await channel.QueueBindAsync(queue.Name, holding, "", cancellationToken: cancellationToken);
            await channel.QueueUnbindAsync(holding, holding, "", cancellationToken: cancellationToken);
            await QueueDeclaration.UnbindAsync(channel, holding, queue.Bindings, cancellationToken);
        }
        moved += await DrainAndDeleteAsync(holding, holding, cancellationToken);
        await using (var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken))
            await channel.ExchangeDeleteAsync(holding, ifUnused: false, cancellationToken: cancellationToken);
        logger.LogWarning("Queue {Queue} recreated as {QueueType} with its configured arguments; {Moved} messages moved", queue.Name, options.QueueType, moved);
    }

    /// <summary>The holding queue as a previous attempt left it, else new, of the configured type; its own exchange leads to it.</summary>
    private async Task DeclareHoldingAsync(string holding, CancellationToken cancellationToken)
    {
        await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
        if (!await BrokerReplies.ExistsAsync(connection, holding, cancellationToken))
            await channel.QueueDeclareAsync(holding, durable: true, exclusive: false, autoDelete: false, QueueArguments.ForHolding(options),
                cancellationToken: cancellationToken);
        await QueueDeclaration.BindAsync(channel, holding, [new QueueBinding(holding, ExchangeType.Fanout, "")], cancellationToken);
    }

    /// <summary>
    /// Moves every message of <paramref name="source"/> (which nothing leads to any more) through
    /// <paramref name="exchange"/>, then deletes it once it is empty and nobody consumes from it; while instances with
    /// the old settings still consume from it, waits and moves again. (Quorum queues cannot be deleted "if empty" or "if
    /// unused" by the broker: this checks, and only nothing can arrive between the check and the delete.)
    /// </summary>
    private async Task<int> DrainAndDeleteAsync(string source, string exchange, CancellationToken cancellationToken)
    {
        var moved = 0;
        await Task.Delay(Settle, cancellationToken);
        while (true)
        {
            await using (var channel = await connection.CreateChannelAsync(
                new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), cancellationToken))
            {
                while (await channel.BasicGetAsync(source, autoAck: false, cancellationToken) is { } message)
                {
                    // Tracked confirms: the publish returns once the broker has the copy, and throws if it was
                    // refused or could not be routed (mandatory), so the original is acknowledged only after.
                    await channel.BasicPublishAsync(exchange, message.RoutingKey, mandatory: true, new BasicProperties(message.BasicProperties),
                        message.Body, cancellationToken);
                    await channel.BasicAckAsync(message.DeliveryTag, multiple: false, cancellationToken);
                    moved++;
                }
            }
            await using (var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken))
            {
                var state = await channel.QueueDeclarePassiveAsync(source, cancellationToken);
                if (state.ConsumerCount == 0 && state.MessageCount == 0)
                {
                    await channel.QueueDeleteAsync(source, ifUnused: false, ifEmpty: false, cancellationToken: cancellationToken);
                    return moved;
                }
                if (state.ConsumerCount > 0)
                    logger.LogWarning("Queue {Queue} still has {Consumers} consumers: stop the instances running with the old queue settings; moving again in 2 s",
                        source, state.ConsumerCount);
            }
            await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
        }
    }
}
