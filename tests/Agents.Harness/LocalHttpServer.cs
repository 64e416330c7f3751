using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Agents.Harness;

/// <summary>
/// A minimal Kestrel app on a free loopback port: the local stand-ins for vendors we cannot run here (the LLM, the
/// CRMs' APIs) and the bench's baseline handler. They speak the real wire format over real HTTP.
/// </summary>
public sealed class LocalHttpServer : IAsyncDisposable
{
    private LocalHttpServer(WebApplication app)
    {
        App = app;
        Address = AddressOf(app);
    }

    public WebApplication App { get; }

    /// <summary>The root address, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri Address { get; }

    /// <param name="map">Maps the routes (or a catch-all <c>Run</c>) on the built app.</param>
    /// <param name="configure">Adds services or configuration before the app is built.</param>
    public static async Task<LocalHttpServer> StartAsync(Action<WebApplication> map, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        configure?.Invoke(builder);
        var app = builder.Build();
        map(app);
        await app.StartAsync();
        return new LocalHttpServer(app);
    }

    /// <summary>The address a started app listens on (port 0 in its URLs: the one Kestrel picked).</summary>
    public static Uri AddressOf(WebApplication app) =>
        new(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/') + "/");

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
