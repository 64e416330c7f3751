using Agents.Harness;
using Agents.Launcher;
using MassTransit;
using NUnit.Framework;

namespace Agents.Writer.Tests;

/// <summary>
/// N writer instances as separate OS processes (the built <c>services/writer/bin/…/Agents.Writer.dll</c>) on a
/// virtual host and a database of their own, as a deployment runs them: what one kills with SIGKILL, the others carry
/// on. <see cref="Bus"/> publishes from outside every writer (as the classifier or the API does).
/// </summary>
public sealed class WriterCluster : IAsyncDisposable
{
    private readonly IsolatedServers _servers;
    private readonly string _policyPath;

    private WriterCluster(IsolatedServers servers, IReadOnlyList<ServiceProcess> writers, IBusControl bus, string policyPath)
    {
        _servers = servers;
        Writers = writers;
        Bus = bus;
        _policyPath = policyPath;
    }

    public IReadOnlyList<ServiceProcess> Writers { get; }
    public IBusControl Bus { get; }
    public IsolatedDatabase Database => _servers.Database;

    public static async Task<WriterCluster> StartAsync(int instances, string policy, IReadOnlyDictionary<string, string?>? extra = null)
    {
        var servers = await IsolatedServers.CreateAsync();
        var policyPath = Policies.WriteToTempFile(policy);
        var settings = new Dictionary<string, string?>(servers.Broker.Settings)
        {
            // A bounded pool per process: the shared PostgreSQL serves other test runs too.
            ["ConnectionStrings:Db"] = servers.Database.ConnectionString + ";Maximum Pool Size=40",
            ["Writer:PolicyFile"] = policyPath,
            ["Approvers:0:Name"] = "race",
            ["Approvers:0:Token"] = "race-token",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (k, v) in extra ?? new Dictionary<string, string?>())
            settings[k] = v;
        var logs = Path.Combine(TestContext.CurrentContext.WorkDirectory, "logs", servers.Database.Name);
        // All at once: the migrations' advisory lock lets one apply them while the others wait. Ready means the bus
        // started, which took 7–11 s on a quiet machine (also beside 20 busy loops), 21–35 s in CI and 90 s or more,
        // past the 90 s this allowed (2026-12-04 and 2026-12-05), when the fault suite's three-node broker test ran
        // beside it (load average 40). Waiting longer costs a run nothing when the start is quick.
        var starting = Enumerable.Range(1, instances).Select(i =>
            ServiceProcess.StartAsync(ServiceKind.Writer, settings, Path.Combine(logs, $"writer-{i}.log"), $"writer-{i}",
                readyTimeout: TimeSpan.FromSeconds(180))).ToList();
        try
        {
            var writers = await Task.WhenAll(starting);
            return new WriterCluster(servers, writers, await BusClient.StartAsync(servers.Broker), policyPath);
        }
        catch
        {
            // The instances that did start (one not ready in time fails the whole start) go with the servers.
            foreach (var started in starting.Where(t => t.IsCompletedSuccessfully))
                await started.Result.DisposeAsync();
            await servers.DisposeAsync();
            File.Delete(policyPath);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Bus.StopAsync();
            foreach (var writer in Writers)
                await writer.DisposeAsync();
        }
        finally
        {
            await _servers.DisposeAsync();
            File.Delete(_policyPath);
        }
    }
}
