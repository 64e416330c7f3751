using Microsoft.Extensions.Options;
using RabbitMQ.Client;

namespace Agents.ServiceDefaults.Publishing;

/// <summary>
/// Whether the broker blocks publishers now. In a memory or disk alarm RabbitMQ stops reading from every connection
/// that publishes (and tells the client with <c>connection.blocked</c>): sends time out on a channel that is fine and
/// messages stay in hand while their sends wait, and a new process would be blocked the same, so this is the broker's
/// state to report, not a reason to restart (<see cref="StopForSupervisor"/>). Asked on a connection of its own that
/// publishes one empty message nobody receives (the default exchange, a routing key no queue has) and waits briefly
/// for the broker's word; the connection is then dropped behind the answer.
/// </summary>
public sealed class BrokerAlarm(IOptions<RabbitMqOptions> rabbit)
{
    private const string NoQueue = "agents.alarm-probe";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(2);

    /// <summary>The broker's reason for blocking (e.g. <c>low on memory</c>), or null when it did not block within a moment or could not be asked.</summary>
    public async Task<string?> BlockingReasonAsync(CancellationToken cancellationToken)
    {
        IConnection? connection = null;
        try
        {
            connection = await rabbit.Value.ConnectAsync("alarm probe", cancellationToken);
            var blocked = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            connection.ConnectionBlockedAsync += (_, e) =>
            {
                blocked.TrySetResult(e.Reason);
                return Task.CompletedTask;
            };
            var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
            await channel.BasicPublishAsync("", NoQueue, ReadOnlyMemory<byte>.Empty, cancellationToken);
            return await blocked.Task.WaitAsync(Wait, cancellationToken);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            // No word within the wait, or the broker could not be asked: not known to block, so the caller goes on as
            // it would have without asking.
            return null;
        }
        finally
        {
            // Not awaited: closing a connection the broker no longer reads waits out the client's close timeout.
            if (connection is not null)
                _ = DropAsync(connection);
        }
    }

    private static async Task DropAsync(IConnection connection)
    {
        try
        {
            await connection.AbortAsync(TimeSpan.FromSeconds(1));
            await connection.DisposeAsync();
        }
        catch (Exception)
        {
            // gone either way
        }
    }
}
