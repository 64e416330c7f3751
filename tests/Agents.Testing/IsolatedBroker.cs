using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;

namespace Agents.Testing;

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

    /// <summary>The queues of this virtual host as declared (management API: the declaration, not the lagging figures).</summary>
    public async Task<IReadOnlyList<BrokerQueue>> QueuesAsync() =>
        await _management.GetFromJsonAsync<List<BrokerQueue>>($"queues/{Uri.EscapeDataString(VirtualHost)}") ?? [];

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

/// <summary>A queue as declared: <c>auto_delete</c> marks a temporary one (MassTransit's bus queue of one process).</summary>
public sealed record BrokerQueue(
    string Name,
    bool Durable,
    [property: System.Text.Json.Serialization.JsonPropertyName("auto_delete")] bool AutoDelete);
