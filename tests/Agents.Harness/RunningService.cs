using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Agents.Harness;

/// <summary>One of our services running in the test process on a real Kestrel port.</summary>
public sealed class RunningService : IAsyncDisposable
{
    private readonly WebApplication _app;

    private RunningService(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
        Client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
    }

    public Uri Address { get; }
    public HttpClient Client { get; }
    public IServiceProvider Services => _app.Services;

    /// <summary>
    /// Builds the service with <paramref name="build"/> (its Build(args, overrides) method), binds it to a free
    /// loopback port, runs <paramref name="beforeStart"/> (migrations) and starts it.
    /// </summary>
    public static async Task<RunningService> StartAsync(
        Func<string[], IReadOnlyDictionary<string, string?>, WebApplication> build,
        IEnumerable<IReadOnlyDictionary<string, string?>> settings,
        Func<IServiceProvider, Task>? beforeStart = null,
        bool waitUntilReady = true)
    {
        var merged = new Dictionary<string, string?>
        {
            ["Urls"] = "http://127.0.0.1:0",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Agents"] = "Information",
        };
        foreach (var part in settings)
            foreach (var (key, value) in part)
                merged[key] = value;

        var app = build([], merged);
        if (beforeStart is not null)
            await beforeStart(app.Services);
        await app.StartAsync();
        var service = new RunningService(app, LocalHttpServer.AddressOf(app));
        if (waitUntilReady)
            await service.WaitUntilReadyAsync(TimeSpan.FromSeconds(60));
        return service;
    }

    /// <summary>Waits for /health/ready: the bus is connected and its endpoints (queues, bindings) exist.</summary>
    public async Task WaitUntilReadyAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                using var response = await Client.GetAsync("/health/ready");
                if (response.IsSuccessStatusCode)
                    return;
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"{Address} did not become ready within {timeout}.");
            await Task.Delay(100);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
