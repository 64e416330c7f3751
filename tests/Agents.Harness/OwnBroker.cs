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

    public static async Task<OwnBroker> StartAsync()
    {
        var directory = ServerFolders.Create("agents-own-broker-");
        // Below the ports the fault tests' servers take (9000–14000 and up) and Linux's ephemeral range.
        var port = (await ServerScripts.FreePortsAsync(16000))[0];
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
