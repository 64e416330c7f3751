using System.Diagnostics;
using Agents.Testing;
using NUnit.Framework;

namespace Agents.Faults.Tests;

/// <summary>
/// A RabbitMQ and a PostgreSQL of this fixture's own (scripts/servers.sh), never the shared ones: the fault tests
/// stop and start them. Restart = stop + start on the same ports and data folder, as a service manager does.
/// </summary>
public sealed class ThrowawayServers : IAsyncDisposable
{
    private ThrowawayServers(string directory, int amqpPort, int postgresPort)
    {
        Directory = directory;
        AmqpPort = amqpPort;
        PostgresPort = postgresPort;
    }

    public string Directory { get; }
    public int AmqpPort { get; }
    public int ManagementPort => AmqpPort + 10000;
    public int PostgresPort { get; }
    private string RabbitDir => Path.Combine(Directory, "rabbitmq");
    private string PostgresDir => Path.Combine(Directory, "pg");

    public string ConnectionString(string database) =>
        $"Host=127.0.0.1;Port={PostgresPort};Database={database};Username=postgres;Password=postgres;Timeout=5";

    public static async Task<ThrowawayServers> StartAsync()
    {
        // The servers run as the rabbitmq/postgres users when we are root: their folder must be reachable by them.
        var directory = Path.Combine(Path.GetTempPath(), "agents-faults-" + Guid.NewGuid().ToString("N")[..8]);
        System.IO.Directory.CreateDirectory(directory);
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(directory, (UnixFileMode)0b111_101_101);
        try
        {
            await BashAsync("servers_install", TimeSpan.FromMinutes(5));
        }
        catch (InvalidOperationException e)
        {
            const string why = "RabbitMQ/PostgreSQL binaries are missing and could not be installed; the fault tests need servers of their own.";
            if (TestServers.RunningUnderCi)
                Assert.Fail($"{why} {e.Message}");
            Assert.Ignore(why);
        }
        var ports = (await BashAsync("echo $(free_port 41000) $(free_port 45000)", TimeSpan.FromSeconds(30))).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var servers = new ThrowawayServers(directory, int.Parse(ports[0]), int.Parse(ports[1]));
        try
        {
            await Task.WhenAll(servers.StartRabbitMqAsync(), servers.StartPostgresAsync());
        }
        catch
        {
            await servers.DisposeAsync();
            throw;
        }
        return servers;
    }

    public Task StartRabbitMqAsync() => BashAsync($"rabbitmq_start '{RabbitDir}' {AmqpPort}", TimeSpan.FromMinutes(3));

    /// <summary>A clean broker stop (rabbitmqctl stop): queues and persistent messages are written to disk.</summary>
    public Task StopRabbitMqAsync() => BashAsync($"rabbitmq_stop '{RabbitDir}' graceful", TimeSpan.FromMinutes(1));

    // fsync off: these data are thrown away, and a fast shutdown still writes everything out.
    public Task StartPostgresAsync() =>
        BashAsync($"PG_EXTRA_OPTS='-c fsync=off -c synchronous_commit=off -c full_page_writes=off' postgres_start '{PostgresDir}' {PostgresPort}",
            TimeSpan.FromMinutes(1));

    /// <summary>pg_ctl stop -m fast: open connections are cut, in-flight transactions roll back.</summary>
    public Task StopPostgresAsync() => BashAsync($"postgres_stop '{PostgresDir}' fast", TimeSpan.FromMinutes(1));

    public async ValueTask DisposeAsync()
    {
        try
        {
            await BashAsync($"rabbitmq_stop '{RabbitDir}'; postgres_stop '{PostgresDir}' immediate; true", TimeSpan.FromMinutes(1));
        }
        finally
        {
            try
            {
                System.IO.Directory.Delete(Directory, recursive: true);
            }
            catch (IOException)
            {
                // a server still writing; the folder is in /tmp
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }

    /// <summary>Runs <paramref name="script"/> after sourcing scripts/servers.sh; throws with its output when it fails.</summary>
    private static async Task<string> BashAsync(string script, TimeSpan timeout)
    {
        // Output goes to files, not pipes: a detached broker inherits them and would hold a pipe open forever.
        var stdout = Path.GetTempFileName();
        var stderr = Path.GetTempFileName();
        try
        {
            var info = new ProcessStartInfo("bash") { UseShellExecute = false };
            info.ArgumentList.Add("-c");
            info.ArgumentList.Add($"( source '{Path.Combine(RepositoryPaths.Root, "scripts", "servers.sh")}' && {script} ) >'{stdout}' 2>'{stderr}' </dev/null");
            using var process = Process.Start(info)!;
            using var cts = new CancellationTokenSource(timeout);
            try
            {
                await process.WaitForExitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"'{script}' did not finish within {timeout}: {await File.ReadAllTextAsync(stderr)}");
            }
            if (process.ExitCode != 0)
                throw new InvalidOperationException($"'{script}' exited with {process.ExitCode}: {await File.ReadAllTextAsync(stderr)}");
            return (await File.ReadAllTextAsync(stdout)).Trim();
        }
        finally
        {
            File.Delete(stdout);
            File.Delete(stderr);
        }
    }
}
