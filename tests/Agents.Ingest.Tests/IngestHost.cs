using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Agents.Contracts;
using Agents.Harness;
using Agents.Ingest.Persistence;
using Agents.ServiceDefaults;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Agents.Ingest.Tests;

/// <summary>
/// Ingest alone, in this process on a real port, on its own virtual host and database, every source configured,
/// with a probe queue bound to TicketReceived (what a classifier would receive) and the service's error logs captured.
/// </summary>
public sealed class IngestHost : IAsyncDisposable
{
    public const string OperatorToken = "oscar-operator-token-9d2c";

    private readonly IsolatedServers _servers;

    private IngestHost(IsolatedServers servers, RunningService service, BusProbe probe, ErrorLog errors)
    {
        _servers = servers;
        Service = service;
        Probe = probe;
        Errors = errors;
        Operator = new HttpClient { BaseAddress = service.Address, Timeout = TimeSpan.FromSeconds(30) };
        Operator.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", OperatorToken);
    }

    public IsolatedBroker Broker => _servers.Broker;
    public IsolatedDatabase Database => _servers.Database;
    public RunningService Service { get; }
    public BusProbe Probe { get; }
    public ErrorLog Errors { get; }
    public HttpClient Client => Service.Client;
    public HttpClient Operator { get; }

    /// <summary>Starts ingest; <paramref name="settings"/> override the defaults (all secrets, one operator, high rate limits).</summary>
    public static async Task<IngestHost> StartAsync(IReadOnlyDictionary<string, string?>? settings = null, bool migrate = true, bool waitUntilReady = true)
    {
        var servers = await IsolatedServers.CreateAsync();
        var probe = await BusProbe.StartAsync(servers.Broker, typeof(TicketReceived));
        var defaults = VendorRequests.Settings();
        defaults["Ingest:Operators:0:Name"] = "oscar";
        defaults["Ingest:Operators:0:Token"] = OperatorToken;
        defaults["Ingest:RateLimit:PermitsPerSecond"] = "100000";
        defaults["Ingest:RateLimit:UnverifiedPerSecond"] = "100000";
        defaults["Ingest:RateLimit:UnverifiedBurst"] = "100000";
        var errors = new ErrorLog();
        var service = await RunningService.StartAsync(IngestService.Build, [servers.Broker.Settings, servers.Database.Settings, defaults, settings ?? new Dictionary<string, string?>()],
            async sp =>
            {
                sp.GetRequiredService<ILoggerFactory>().AddProvider(errors);
                if (migrate) await DatabaseMigration.MigrateAsync<IngestDbContext>(sp);
            }, waitUntilReady);
        return new IngestHost(servers, service, probe, errors);
    }

    public Task<HttpResponseMessage> SendAsync(string source, string body, string? eventId = null, DateTimeOffset? at = null) =>
        Client.SendAsync(VendorRequests.Signed(source, body, Service.Address, eventId, at));

    /// <summary>Published TicketReceived messages whose body mentions <paramref name="marker"/>.</summary>
    public int Published(string marker) => Probe.Bodies.Count(b => b.Contains(marker, StringComparison.Ordinal));

    public async Task<List<JsonElement>> QuarantineAsync(string query = "") =>
        await Operator.GetFromJsonAsync<List<JsonElement>>("/quarantine" + query) ?? [];

    public Task<long> CountAsync(string sql) => Database.ScalarAsync<long>(sql);

    public async ValueTask DisposeAsync()
    {
        Operator.Dispose();
        await Service.DisposeAsync();
        await Probe.DisposeAsync();
        await _servers.DisposeAsync();
    }
}

/// <summary>Error-level log entries and every logged exception of the service: an unhandled exception shows up here.</summary>
public sealed class ErrorLog : ILoggerProvider
{
    public ConcurrentQueue<string> Entries { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(ErrorLog log, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel >= LogLevel.Error || exception is not null)
                log.Entries.Enqueue($"{logLevel} {category}: {formatter(state, exception)} {exception?.GetType().Name}");
        }
    }
}
