using Npgsql;

namespace Agents.Bench;

/// <summary>
/// The servers a launched system runs on, as processes of this machine whose CPU the benchmark can read: the
/// RabbitMQ node (one <c>beam.smp</c>) and PostgreSQL (its postmaster and the connections' processes). Every ticket
/// costs them too, and on two shared cores their cost comes out of the same budget as the services'.
/// </summary>
public static class ServerProcesses
{
    /// <summary>
    /// ("broker", …) and ("postgres", …) with a reader of each one's CPU so far; only those found on this machine (the
    /// cluster benchmark's brokers are its own, and a server elsewhere has no process here).
    /// </summary>
    public static Task<IReadOnlyList<(string Name, Func<double> Cpu)>> FindAsync(LaunchedSystem system) =>
        FindAsync(system.RunsOnBenchServers ? system.Broker : null, system.Database.ConnectionString);

    /// <summary>The same for a broker and a database the benchmark created itself (no broker: none to read).</summary>
    public static async Task<IReadOnlyList<(string Name, Func<double> Cpu)>> FindAsync(Agents.Harness.IsolatedBroker? broker, string connectionString)
    {
        var found = new List<(string, Func<double>)>();
        if (broker is not null && await broker.NodeProcessIdsAsync() is [var node] && ProcessCpu.Identity(node) is ("beam.smp", _))
            found.Add(("broker", () => ProcessCpu.Milliseconds(node)));
        if (await PostmasterAsync(connectionString) is { } postmaster)
            found.Add(("postgres", () => ProcessCpu.WithChildrenMilliseconds(postmaster)));
        return found;
    }

    /// <summary>
    /// This process ("bench": the load, and the services or consumers a benchmark runs in it) and the servers, for a
    /// benchmark whose workloads all run in this process.
    /// </summary>
    public static async Task<IReadOnlyList<(string Name, Func<double> Cpu)>> WithBenchAsync(Agents.Harness.IsolatedBroker broker, string connectionString) =>
    [
        ("bench", () => ProcessCpu.Milliseconds(Environment.ProcessId)),
        .. await FindAsync(broker, connectionString),
    ];

    /// <summary>The postmaster: the parent of the process serving this connection, if that process is on this machine.</summary>
    private static async Task<int?> PostmasterAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT pg_backend_pid()", connection);
        var backend = (int)(await command.ExecuteScalarAsync())!;
        return ProcessCpu.Identity(backend) is ("postgres", var postmaster) ? postmaster : null;
    }
}
