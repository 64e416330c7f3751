namespace Agents.Harness;

/// <summary>
/// One RabbitMQ node of a single test's own (<see cref="ThrowawayBroker"/>, default virtual host, guest), for what
/// would disturb the other tests on the shared broker: a resource alarm blocks every publisher of its node. Killed and
/// its folder deleted when disposed.
/// </summary>
public sealed class OwnBroker : IAsyncDisposable
{
    private readonly string _directory;

    private OwnBroker(string directory, ThrowawayBroker node, int port)
    {
        _directory = directory;
        Node = node;
        Port = port;
    }

    public ThrowawayBroker Node { get; }
    public int Port { get; }

    /// <summary>Configuration keys a service reads to reach it.</summary>
    public IReadOnlyDictionary<string, string?> Settings => SystemSettings.BrokerAt("127.0.0.1", Port);

    /// <summary>Messages now in its <c>_error</c> and <c>_skipped</c> queues (<see cref="BrokerMessages.DeadLetteredAsync"/>).</summary>
    public async Task<uint> DeadLetteredAsync()
    {
        using var management = ThrowawayBroker.ManagementClient(Node.ManagementPorts[0]);
        return await BrokerMessages.DeadLetteredAsync(management, "/", Amqp);
    }

    private RabbitMQ.Client.ConnectionFactory Amqp => new() { HostName = "127.0.0.1", Port = Port };

    /// <summary>
    /// Each queue holding a message ready for delivery or a consumer, one line each, as they are now
    /// (<see cref="BrokerMessages.QueuesNowAsync"/>; the management API's own figures lag by seconds): where messages
    /// wait, and which queue has no consumer.
    /// </summary>
    public async Task<string> QueuesAsync()
    {
        using var management = ThrowawayBroker.ManagementClient(Node.ManagementPorts[0]);
        var queues = await BrokerMessages.QueuesNowAsync(management, "/", Amqp);
        return string.Join('\n', queues.Where(q => q.Ready + q.Consumers > 0).Select(q => $"{q.Name}: {q.Ready} ready, {q.Consumers} consumer(s)"));
    }

    public static async Task<OwnBroker> StartAsync()
    {
        var directory = ServerFolders.Create("agents-own-broker-");
        // All three of the node's ports below Linux's ephemeral range (32768–60999), as ThrowawayServers' are: its
        // Erlang distribution port is AMQP + 20000, and with a base of 16000 it lay inside that range, where an outgoing
        // connection of another test may hold it as its local port. The node then never starts (CI, 36630:
        // `dist_port_already_used, 36630, not_erlang` in erl_crash.dump). free_port picks base + 0…999, so 11767 is the
        // highest base whose distribution port stays below 32768; it shares 11767–11999 with a third fault-test node,
        // and free_port skips a port any server already listens on.
        var port = (await ServerScripts.FreePortsAsync(11767))[0];
        try
        {
            return new OwnBroker(directory, await ThrowawayBroker.StartAsync(directory, [port]), port);
        }
        catch
        {
            ServerFolders.Delete(directory);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Node.KillAsync();
        }
        finally
        {
            ServerFolders.Delete(_directory);
        }
    }
}
