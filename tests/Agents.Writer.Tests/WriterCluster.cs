using Agents.Harness;
using Agents.Launcher;
using NUnit.Framework;

namespace Agents.Writer.Tests;

/// <summary>
/// N writer instances as separate OS processes (the built <c>services/writer/bin/…/Agents.Writer.dll</c>) on one
/// virtual host and one database, as a deployment runs them: what one kills with SIGKILL, the others carry on.
/// </summary>
public sealed class WriterCluster : IAsyncDisposable
{
    private readonly string _policyPath;

    private WriterCluster(IReadOnlyList<ServiceProcess> writers, string policyPath)
    {
        Writers = writers;
        _policyPath = policyPath;
    }

    public IReadOnlyList<ServiceProcess> Writers { get; }

    public static async Task<WriterCluster> StartAsync(int instances, IsolatedBroker broker, IsolatedDatabase database, string policy,
        IReadOnlyDictionary<string, string?>? extra = null)
    {
        var policyPath = Policies.WriteToTempFile(policy);
        var settings = new Dictionary<string, string?>(broker.Settings)
        {
            // A bounded pool per process: the shared PostgreSQL serves other test runs too.
            ["ConnectionStrings:Db"] = database.ConnectionString + ";Maximum Pool Size=40",
            ["Writer:PolicyFile"] = policyPath,
            ["Approvers:0:Name"] = "race",
            ["Approvers:0:Token"] = "race-token",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (k, v) in extra ?? new Dictionary<string, string?>())
            settings[k] = v;
        var logs = Path.Combine(TestContext.CurrentContext.WorkDirectory, "logs", database.Name);
        // All at once: the migrations' advisory lock lets one apply them while the others wait.
        var writers = await Task.WhenAll(Enumerable.Range(1, instances).Select(i =>
            ServiceProcess.StartAsync(ServiceKind.Writer, settings, Path.Combine(logs, $"writer-{i}.log"), $"writer-{i}",
                readyTimeout: TimeSpan.FromSeconds(90))));
        return new WriterCluster(writers, policyPath);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var writer in Writers)
            await writer.DisposeAsync();
        File.Delete(_policyPath);
    }
}
