namespace Agents.Harness;

/// <summary>
/// A RabbitMQ and a PostgreSQL of this fixture's own (scripts/servers.sh), never the shared ones: the fault tests
/// stop and start them (<see cref="IsolatedServers"/> is the pair on the shared ones). One node and one server, or, for the tests of running on more than one machine, a
/// three-node RabbitMQ cluster and a primary with a synchronous standby.
/// </summary>
public sealed class ThrowawayServers : IAsyncDisposable
{
    private ThrowawayServers(string directory, ThrowawayBroker broker, ThrowawayDatabase database)
    {
        Directory = directory;
        Broker = broker;
        Database = database;
    }

    public string Directory { get; }
    public ThrowawayBroker Broker { get; }
    public ThrowawayDatabase Database { get; }

    public string ConnectionString(string database) => Database.ConnectionString(database);

    /// <param name="rabbitNodes">1, or the nodes of a cluster.</param>
    /// <param name="standby">A streaming standby beside the PostgreSQL primary.</param>
    public static async Task<ThrowawayServers> StartAsync(int rabbitNodes = 1, bool standby = false)
    {
        var directory = ServerFolders.Create("agents-faults-");
        try
        {
            await ServerScripts.RunAsync("servers_install", TimeSpan.FromMinutes(5));
        }
        catch (InvalidOperationException e)
        {
            const string why = "RabbitMQ/PostgreSQL binaries are missing and could not be installed; the fault tests need servers of their own.";
            throw MissingPrerequisiteException.Raise(TestServers.RunningUnderCi ? $"{why} {e.Message}" : why, TestServers.RunningUnderCi);
        }
        // Every port of these servers (AMQP, management +10000, Erlang distribution +20000, PostgreSQL) lies below
        // Linux's ephemeral range (32768–60999): the tests stop and restart them, and while one is down an outgoing
        // connection (thousands of reconnect attempts during an outage) may be given its port as a local port, so the
        // restart could not bind it. With 41000/45000 a PostgreSQL restart on 45544 failed that way once in CI.
        var bases = Enumerable.Range(0, rabbitNodes).Select(n => 9000 + 1000 * n).Append(13000).Append(14000).ToArray();
        var ports = await ServerScripts.FreePortsAsync(bases);
        var starting = ThrowawayBroker.StartAsync(Path.Combine(directory, "rabbitmq"), ports.Take(rabbitNodes).ToList());
        var database = ThrowawayDatabase.StartAsync(Path.Combine(directory, "pg"), ports[rabbitNodes], standby ? ports[rabbitNodes + 1] : null);
        try
        {
            await Task.WhenAll(starting, database);
        }
        catch
        {
            // whatever started goes, whichever start failed
            await ServerScripts.RunAsync($"rabbitmq_cluster_stop '{directory}/rabbitmq'; rabbitmq_stop '{directory}/rabbitmq'; "
                + $"postgres_stop '{directory}/pg' immediate; postgres_stop '{directory}/pg/primary' immediate; "
                + $"postgres_stop '{directory}/pg/standby' immediate; true", TimeSpan.FromMinutes(1));
            ServerFolders.Delete(directory);
            throw;
        }
        return new ThrowawayServers(directory, starting.Result, database.Result);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Task.WhenAll(Broker.KillAsync(), Database.KillAsync());
        }
        finally
        {
            ServerFolders.Delete(Directory);
        }
    }
}
