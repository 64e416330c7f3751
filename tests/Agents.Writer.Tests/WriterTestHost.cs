using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Agents.Contracts;
using Agents.Harness;
using Agents.ServiceDefaults;
using Agents.Testing;
using Agents.Writer.Persistence;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Agents.Writer.Tests;

/// <summary>One writer in this process on its own virtual host and database, with a policy file of the test's choosing.</summary>
public sealed class WriterTestHost : IAsyncDisposable
{
    public const string ApproverToken = "alice-token-3c9d";

    private readonly string _policyPath;

    private readonly IsolatedServers _servers;
    private readonly IReadOnlyDictionary<string, string?>[] _settings;
    private readonly Action<WebApplicationBuilder>? _configure;

    private WriterTestHost(IsolatedServers servers, RunningService writer, string policyPath,
        IReadOnlyDictionary<string, string?>[] settings, Action<WebApplicationBuilder>? configure)
    {
        _servers = servers;
        Writer = writer;
        _policyPath = policyPath;
        _settings = settings;
        _configure = configure;
        Authorize(writer);
    }

    public IsolatedBroker Broker => _servers.Broker;
    public IsolatedDatabase Database => _servers.Database;
    public RunningService Writer { get; private set; }
    public HttpClient Api => Writer.Client;

    public static async Task<WriterTestHost> StartAsync(string? policy = null, IReadOnlyDictionary<string, string?>? settings = null,
        Action<WebApplicationBuilder>? configure = null)
    {
        var servers = await IsolatedServers.CreateAsync();
        var policyPath = Policies.WriteToTempFile(policy ?? Policies.Shipped);
        var own = new Dictionary<string, string?>
        {
            ["Approvers:0:Name"] = "alice",
            ["Approvers:0:Token"] = ApproverToken,
            ["Writer:PolicyFile"] = policyPath,
        };
        IReadOnlyDictionary<string, string?>[] all = [servers.Broker.Settings, servers.Database.Settings, own, settings ?? new Dictionary<string, string?>()];
        return new WriterTestHost(servers, await StartWriterAsync(all, configure), policyPath, all, configure);
    }

    /// <summary>
    /// A new writer in place of the running one, on the same servers and settings: what its supervisor does for an
    /// instance that stopped itself (exit code 75).
    /// </summary>
    public async Task ReplaceWriterAsync()
    {
        await Writer.DisposeAsync();
        // MassTransit keeps its log context in an AsyncLocal, and this flow still carries the stopped writer's, whose
        // logger factory is disposed: the new writer starts on a flow of its own.
        Task<RunningService> starting;
        using (ExecutionContext.SuppressFlow())
            starting = Task.Run(() => StartWriterAsync(_settings, _configure));
        Writer = await starting;
        Authorize(Writer);
    }

    private static Task<RunningService> StartWriterAsync(IReadOnlyDictionary<string, string?>[] settings, Action<WebApplicationBuilder>? configure) =>
        RunningService.StartAsync((args, o) => WriterService.Build(args, o, configure), settings,
            sp => DatabaseMigration.MigrateAsync<WriterDbContext>(sp));

    private static void Authorize(RunningService writer) =>
        writer.Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApproverToken);

    public Task ProposeAsync(ProposeWrite proposal) => Writer.Services.GetRequiredService<IBus>().Publish(proposal);

    public Task<string?> StateAsync(Guid id) =>
        Database.ScalarOrNullAsync<string>($"SELECT \"CurrentState\" FROM write_approvals WHERE \"CorrelationId\" = '{id}'");

    public async Task WaitForStateAsync(Guid id, string state, int seconds = 30) =>
        await Eventually.Until(() => StateAsync(id), s => s == state, TimeSpan.FromSeconds(seconds), $"write {id} to be {state}");

    public async Task<JsonElement> DetailAsync(Guid id) => await Api.GetFromJsonAsync<JsonElement>($"/approvals/{id}");

    public async Task<List<string?>> HistoryAsync(Guid id) =>
        (await DetailAsync(id)).GetProperty("history").EnumerateArray().Select(h => h.GetProperty("action").GetString()).ToList();

    /// <summary>Approves through the API as the page does: the version the approver is shown.</summary>
    public Task<HttpResponseMessage> ApproveAsync(Guid id, string? reason = null) => Api.ApproveAsync(id, reason);

    public Task<long> CountAsync(string sqlFromWhere) => Database.ScalarAsync<long>($"SELECT count(*) {sqlFromWhere}");

    public async ValueTask DisposeAsync()
    {
        await Writer.DisposeAsync();
        await _servers.DisposeAsync();
        File.Delete(_policyPath);
    }
}

public static class IsolatedDatabaseExtensions
{
    public static async Task<T?> ScalarOrNullAsync<T>(this IsolatedDatabase database, string sql) where T : class
    {
        await using var conn = new Npgsql.NpgsqlConnection(database.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new Npgsql.NpgsqlCommand(sql, conn);
        return await cmd.ExecuteScalarAsync() as T;
    }
}
