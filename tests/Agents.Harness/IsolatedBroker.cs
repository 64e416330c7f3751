using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Agents.Harness;

/// <summary>
/// A queue as the management API shows it: name, type, declared arguments (as text), messages in it, and whether it
/// is durable and auto-delete (<c>auto_delete</c> marks a temporary one: MassTransit's bus queue of one process).
/// </summary>
public sealed record BrokerQueue(string Name, string Type, IReadOnlyDictionary<string, string> Arguments, int Messages,
    bool Durable, bool AutoDelete);

/// <summary>
/// A RabbitMQ virtual host of its own for one test, created and deleted through the management API: durable
/// queues of one test never hand messages to another.
/// </summary>
public sealed class IsolatedBroker : IAsyncDisposable
{
    private readonly HttpClient _management;

    private IsolatedBroker(ServerEndpoints servers, string virtualHost, HttpClient management)
    {
        Servers = servers;
        VirtualHost = virtualHost;
        _management = management;
    }

    public ServerEndpoints Servers { get; }
    public string VirtualHost { get; }

    public static async Task<IsolatedBroker> CreateAsync(string? name = null)
    {
        var servers = await TestServers.GetAsync();
        var vhost = name ?? "t-" + Guid.NewGuid().ToString("N")[..12];
        var http = new HttpClient { BaseAddress = new Uri($"http://{servers.RabbitHost}:{servers.RabbitManagementPort}/api/") };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{servers.RabbitUser}:{servers.RabbitPassword}")));
        (await http.PutAsync($"vhosts/{Uri.EscapeDataString(vhost)}", null)).EnsureSuccessStatusCode();
        (await http.PutAsJsonAsync($"permissions/{Uri.EscapeDataString(vhost)}/{Uri.EscapeDataString(servers.RabbitUser)}",
            new { configure = ".*", write = ".*", read = ".*" })).EnsureSuccessStatusCode();
        return new IsolatedBroker(servers, vhost, http);
    }

    /// <summary>Configuration keys a service reads to reach this virtual host.</summary>
    public IReadOnlyDictionary<string, string?> Settings =>
        SystemSettings.BrokerAt(Servers.RabbitHost, Servers.RabbitPort, VirtualHost, Servers.RabbitUser, Servers.RabbitPassword);

    /// <summary>The names of the queues of this virtual host (management API).</summary>
    public async Task<IReadOnlyList<string>> QueueNamesAsync() => (await QueuesAsync()).Select(q => q.Name).ToList();

    /// <summary>
    /// Every queue of this virtual host as the management API reports it (its message counts lag up to ~5 s): its
    /// type (<c>classic</c>, <c>quorum</c>), the arguments it was declared with, and the messages in it.
    /// </summary>
    public async Task<IReadOnlyList<BrokerQueue>> QueuesAsync()
    {
        var queues = await _management.GetFromJsonAsync<List<JsonElement>>($"queues/{Uri.EscapeDataString(VirtualHost)}") ?? [];
        return queues.Select(q => new BrokerQueue(q.GetProperty("name").GetString()!,
            q.TryGetProperty("type", out var type) ? type.GetString() ?? "classic" : "classic",
            q.GetProperty("arguments").EnumerateObject().ToDictionary(a => a.Name, a => a.Value.ToString()),
            q.TryGetProperty("messages", out var messages) && messages.ValueKind == JsonValueKind.Number ? messages.GetInt32() : 0,
            q.GetProperty("durable").GetBoolean(), q.GetProperty("auto_delete").GetBoolean())).ToList();
    }

    /// <summary>
    /// The operating-system process of each node of the broker (management API, <c>os_pid</c>): what a benchmark
    /// reads the broker's CPU from when the broker runs on the same machine.
    /// </summary>
    public async Task<IReadOnlyList<int>> NodeProcessIdsAsync()
    {
        var nodes = await _management.GetFromJsonAsync<List<JsonElement>>("nodes") ?? [];
        return nodes.Where(n => n.TryGetProperty("os_pid", out var pid) && pid.ValueKind == JsonValueKind.String)
            .Select(n => int.Parse(n.GetProperty("os_pid").GetString()!, System.Globalization.CultureInfo.InvariantCulture)).ToList();
    }

    /// <summary>The bindings whose source is <paramref name="exchange"/> (management API): where its messages go.</summary>
    public async Task<IReadOnlyList<JsonElement>> BindingsFromAsync(string exchange) =>
        await _management.GetFromJsonAsync<List<JsonElement>>(
            $"exchanges/{Uri.EscapeDataString(VirtualHost)}/{Uri.EscapeDataString(exchange)}/bindings/source") ?? [];

    /// <summary>Messages now in the <c>_error</c> and <c>_skipped</c> queues (<see cref="BrokerMessages.DeadLetteredAsync"/>).</summary>
    public Task<uint> DeadLetteredAsync() => BrokerMessages.DeadLetteredAsync(_management, VirtualHost, ConnectionFactory());

    /// <summary>The messages now in <paramref name="queues"/> together, asked over AMQP (<see cref="BrokerMessages.NowAsync"/>).</summary>
    public Task<uint> MessagesNowAsync(IEnumerable<string> queues) => BrokerMessages.NowAsync(ConnectionFactory(), queues);

    /// <summary>A plain client connection factory for this virtual host (to put messages where a test wants them).</summary>
    public RabbitMQ.Client.ConnectionFactory ConnectionFactory() => new()
    {
        HostName = Servers.RabbitHost,
        Port = Servers.RabbitPort,
        VirtualHost = VirtualHost,
        UserName = Servers.RabbitUser,
        Password = Servers.RabbitPassword,
    };

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _management.DeleteAsync($"vhosts/{Uri.EscapeDataString(VirtualHost)}");
        }
        finally
        {
            _management.Dispose();
        }
    }
}
