using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Agents.Harness;

/// <summary>
/// A RabbitMQ of the fixture's own, which the fault tests stop and start: one node, or a cluster of several on this
/// machine (scripts/servers.sh's <c>rabbitmq_cluster_start</c>). Each node listens for AMQP on its port and serves the
/// management API on that port + 10000; its name is <see cref="NodeName"/>.
/// </summary>
public sealed class ThrowawayBroker
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);
    private readonly string _directory;
    private readonly HashSet<int> _down = [];

    private ThrowawayBroker(string directory, IReadOnlyList<int> amqpPorts)
    {
        _directory = directory;
        AmqpPorts = amqpPorts;
    }

    public IReadOnlyList<int> AmqpPorts { get; }
    public IReadOnlyList<int> ManagementPorts => AmqpPorts.Select(p => p + 10000).ToList();
    public bool IsCluster => AmqpPorts.Count > 1;

    /// <summary>The services' <c>RabbitMq:Host</c>: every node, so they move to another when they lose theirs.</summary>
    public string HostSetting => IsCluster ? string.Join(",", AmqpPorts.Select(p => $"127.0.0.1:{p}")) : "127.0.0.1";

    /// <summary>The node scripts/servers.sh names after its AMQP port.</summary>
    public static string NodeName(int amqpPort) => $"agents{amqpPort}@localhost";

    public int PortOf(string nodeName) => AmqpPorts.Single(p => NodeName(p) == nodeName);

    /// <summary>The nodes stopped by a test and not started again.</summary>
    public IReadOnlyList<int> Down
    {
        get
        {
            lock (_down)
                return _down.Order().ToList();
        }
    }

    /// <summary>One node per port; several form a cluster (the first started alone, the others joined to it).</summary>
    public static async Task<ThrowawayBroker> StartAsync(string directory, IReadOnlyList<int> amqpPorts)
    {
        var broker = new ThrowawayBroker(directory, amqpPorts);
        await ServerScripts.RunAsync(amqpPorts.Count == 1
            ? $"rabbitmq_start '{broker.NodeDirectory(amqpPorts[0])}' {amqpPorts[0]}"
            : $"rabbitmq_cluster_start '{directory}' {string.Join(' ', amqpPorts)}", StartTimeout);
        return broker;
    }

    /// <summary>Starts a stopped node on its port and data (a cluster member rejoins its cluster by itself).</summary>
    public async Task StartNodeAsync(int port)
    {
        await ServerScripts.RunAsync($"rabbitmq_start '{NodeDirectory(port)}' {port}", StartTimeout);
        lock (_down)
            _down.Remove(port);
    }

    /// <summary>
    /// Stops a node: cleanly (<c>rabbitmqctl stop</c>, as for maintenance), or by SIGKILL (a machine lost: no goodbye
    /// to clients or peers).
    /// </summary>
    public async Task StopNodeAsync(int port, bool kill = false)
    {
        lock (_down)
            _down.Add(port);
        await ServerScripts.RunAsync($"rabbitmq_stop '{NodeDirectory(port)}' {(kill ? "" : "graceful")}", TimeSpan.FromMinutes(1));
    }

    /// <summary>Every node cleanly stopped, then every node started again (a broker restart, as a service manager does it).</summary>
    public Task StopAsync() => Task.WhenAll(AmqpPorts.Select(p => StopNodeAsync(p)));

    public Task StartAsync() => Task.WhenAll(AmqpPorts.Select(StartNodeAsync));

    /// <summary>
    /// Raises or clears a memory alarm on every node, as a broker short of memory raises it: the memory watermark set
    /// far below what the node uses (or back to RabbitMQ's default, 0.4 of the machine's memory). While it is raised
    /// the broker blocks every connection that publishes.
    /// </summary>
    public Task SetMemoryAlarmAsync(bool raised) => Task.WhenAll(AmqpPorts.Select(p => ServerScripts.RunAsync(
        $"rabbitmq_ctl '{NodeDirectory(p)}' set_vm_memory_high_watermark {(raised ? "0.000001" : "0.4")}", TimeSpan.FromMinutes(1))));

    /// <summary>Brings back the nodes a test left down.</summary>
    public Task StartStoppedNodesAsync() => Task.WhenAll(Down.Select(StartNodeAsync));

    /// <summary>Gone for good (SIGKILL of every node): the data is thrown away with the folder.</summary>
    public Task KillAsync() => ServerScripts.RunAsync(
        IsCluster ? $"rabbitmq_cluster_stop '{_directory}'" : $"rabbitmq_stop '{NodeDirectory(AmqpPorts[0])}'", TimeSpan.FromMinutes(1));

    /// <summary>
    /// How many client connections each node holds now (each service instance keeps one on one node), from the
    /// management API of the first node that answers.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, int>> ConnectionsByNodeAsync()
    {
        foreach (var port in ManagementPorts)
        {
            using var http = ManagementClient(port);
            try
            {
                var connections = await http.GetFromJsonAsync<List<JsonElement>>("connections") ?? [];
                return connections.GroupBy(c => c.GetProperty("node").GetString()!).ToDictionary(g => g.Key, g => g.Count());
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // that node (or its management API) is down: the next one
            }
        }
        throw new InvalidOperationException("no node answers on its management port");
    }

    /// <summary>A client of one node's management API (<paramref name="managementPort"/>), as the guest user every throwaway node has.</summary>
    public static HttpClient ManagementClient(int managementPort)
    {
        var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{managementPort}/api/"), Timeout = TimeSpan.FromSeconds(10) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("guest:guest")));
        return http;
    }

    private string NodeDirectory(int port) => IsCluster ? Path.Combine(_directory, port.ToString(System.Globalization.CultureInfo.InvariantCulture)) : _directory;
}
