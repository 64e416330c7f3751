using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Agents.ServiceDefaults.Queues;

/// <summary>
/// The broker's refusals that close a channel and mean "not like this" rather than "broken": a queue that does not
/// exist (404), is another connection's exclusive queue (405), or has other arguments, consumers or messages (406).
/// Each check runs on a channel of its own, since a refusal closes it.
/// </summary>
public static class BrokerReplies
{
    public const ushort NotFound = 404;
    public const ushort ResourceLocked = 405;
    public const ushort PreconditionFailed = 406;

    /// <summary>Runs <paramref name="action"/> on a fresh channel; returns the broker's refusal code and text, or null when it went through.</summary>
    public static async Task<(ushort Code, string Text)?> TryAsync(IConnection connection, Func<IChannel, Task> action, CancellationToken cancellationToken)
    {
        var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
        try
        {
            await action(channel);
            return null;
        }
        catch (OperationInterruptedException e) when (e.ShutdownReason?.ReplyCode is NotFound or ResourceLocked or PreconditionFailed)
        {
            return (e.ShutdownReason.ReplyCode, e.ShutdownReason.ReplyText);
        }
        finally
        {
            await channel.DisposeAsync();
        }
    }

    /// <summary>Whether <paramref name="queue"/> exists (a passive declaration).</summary>
    public static async Task<bool> ExistsAsync(IConnection connection, string queue, CancellationToken cancellationToken) =>
        await TryAsync(connection, c => c.QueueDeclarePassiveAsync(queue, cancellationToken), cancellationToken) is null;
}
