using System.Diagnostics;

namespace Agents.Harness;

/// <summary>scripts/servers.sh from the tests: the same functions a person uses to start and stop the servers.</summary>
public static class ServerScripts
{
    /// <summary>Runs <paramref name="script"/> after sourcing scripts/servers.sh; throws with its output when it fails.</summary>
    public static async Task<string> RunAsync(string script, TimeSpan timeout)
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

    /// <summary>
    /// Ports free now near each base (scripts/servers.sh's free_port: the +10000 and +20000 companions free too),
    /// distinct from each other.
    /// </summary>
    public static async Task<IReadOnlyList<int>> FreePortsAsync(params int[] bases)
    {
        var script = "echo " + string.Join(' ', bases.Select(b => $"$(free_port {b})"));
        var ports = (await RunAsync(script, TimeSpan.FromSeconds(30))).Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToList();
        return ports.Distinct().Count() == ports.Count ? ports : await FreePortsAsync(bases);
    }
}
