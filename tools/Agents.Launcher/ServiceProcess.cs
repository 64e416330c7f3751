using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Agents.Launcher;

/// <summary>
/// One service running as its own OS process (<c>dotnet services/x/bin/&lt;Configuration&gt;/net10.0/Agents.X.dll</c>),
/// configured through environment variables (<c>Section__Key</c>), its stdout/stderr in a log file. This is what a
/// container orchestrator does with one replica, so it can be killed (SIGKILL) or stopped (SIGTERM) like one.
/// </summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;
    private readonly Lock _logLock = new();

    private ServiceProcess(ServiceKind kind, string name, Process process, StreamWriter log, string logPath, Uri baseUrl)
    {
        Kind = kind;
        Name = name;
        _process = process;
        _log = log;
        LogPath = logPath;
        BaseUrl = baseUrl;
        Client = new HttpClient { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(30) };
    }

    public ServiceKind Kind { get; }

    /// <summary>Instance name, e.g. <c>classifier-2</c>.</summary>
    public string Name { get; }

    /// <summary><c>http://127.0.0.1:&lt;port&gt;/</c>.</summary>
    public Uri BaseUrl { get; }

    public string LogPath { get; }
    public HttpClient Client { get; }
    public int ProcessId => _process.Id;
    public bool HasExited => _process.HasExited;

    /// <summary>The exit code once the process exited (75: it stopped itself because its publishing stalled).</summary>
    public int? ExitCode => _process.HasExited ? _process.ExitCode : null;

    /// <summary>
    /// Starts the service and (unless <paramref name="readyTimeout"/> is zero) waits for <c>GET /health/ready</c>.
    /// Keys in <paramref name="settings"/> may be written <c>Section:Key</c> or <c>Section__Key</c>; <c>Urls</c> is set
    /// to a free loopback port unless given.
    /// </summary>
    public static async Task<ServiceProcess> StartAsync(
        ServiceKind kind,
        IReadOnlyDictionary<string, string?> settings,
        string logPath,
        string? name = null,
        TimeSpan? readyTimeout = null,
        string? configuration = null,
        CancellationToken cancellationToken = default)
    {
        var bin = RepositoryLayout.BinFolder(kind, configuration);
        var dll = Path.Combine(bin, kind.AssemblyName() + ".dll");
        if (!File.Exists(dll))
            throw new FileNotFoundException($"{dll} is missing: build tools/Agents.Launcher (it builds the services) with the same configuration first.", dll);

        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = bin,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(dll);
        var urls = $"http://127.0.0.1:{FreePorts.Next()}";
        info.Environment["Urls"] = urls;
        foreach (var (key, value) in settings)
            info.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        var baseUrl = new Uri(info.Environment["Urls"]!.Split(';')[0].TrimEnd('/') + "/");

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(logPath))!);
        var log = new StreamWriter(new FileStream(logPath, FileMode.Append, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true };
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var service = new ServiceProcess(kind, name ?? kind.Folder(), process, log, Path.GetFullPath(logPath), baseUrl);
        process.OutputDataReceived += (_, e) => service.WriteLog(e.Data);
        process.ErrorDataReceived += (_, e) => service.WriteLog(e.Data);
        service.WriteLog($"--- {DateTime.UtcNow:O} starting {service.Name}: dotnet {dll} on {baseUrl}");
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var timeout = readyTimeout ?? TimeSpan.FromSeconds(90);
        if (timeout > TimeSpan.Zero)
        {
            try
            {
                await service.WaitUntilReadyAsync(timeout, cancellationToken);
            }
            catch
            {
                await service.KillAsync();
                throw;
            }
        }
        return service;
    }

    /// <summary>Waits for <c>/health/ready</c> (bus connected, endpoints bound); fails early when the process exits.</summary>
    public async Task WaitUntilReadyAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"{Name} exited with code {_process.ExitCode} before it was ready; see {LogPath}:\n{Tail(20)}");
            try
            {
                using var probe = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(probe.Token, cancellationToken);
                using var response = await Client.GetAsync("health/ready", linked.Token);
                if (response.IsSuccessStatusCode)
                    return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                // not listening yet, or not ready to answer
            }
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"{Name} was not ready within {timeout}; see {LogPath}:\n{Tail(20)}");
            await Task.Delay(200, cancellationToken);
        }
    }

    /// <summary>SIGKILL: the process dies at once, mid-message, as in an OOM kill or a node loss.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            WriteLog($"--- {DateTime.UtcNow:O} SIGKILL");
            try
            {
                _process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // exited meanwhile
            }
        }
        await WaitForExitAsync(TimeSpan.FromSeconds(10));
    }

    /// <summary>SIGTERM (the host stops gracefully: in-flight messages finish), then SIGKILL after <paramref name="grace"/>.</summary>
    public async Task StopAsync(TimeSpan? grace = null)
    {
        if (!_process.HasExited)
        {
            WriteLog($"--- {DateTime.UtcNow:O} SIGTERM");
            if (OperatingSystem.IsWindows() || SendSignal(_process.Id, SigTerm) != 0)
                _process.Kill(entireProcessTree: true);
            if (!await WaitForExitAsync(grace ?? TimeSpan.FromSeconds(15)))
                await KillAsync();
        }
    }

    /// <summary>The last lines of the log file, for failure messages.</summary>
    public string Tail(int lines)
    {
        try
        {
            using var stream = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            var all = reader.ReadToEnd().Split('\n');
            return string.Join('\n', all.TakeLast(lines));
        }
        catch (IOException)
        {
            return "";
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        Client.Dispose();
        _process.Dispose();
        lock (_logLock)
            _log.Dispose();
    }

    private async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return _process.HasExited;
        }
    }

    private void WriteLog(string? line)
    {
        if (line is null)
            return;
        lock (_logLock)
        {
            try
            {
                _log.WriteLine(line);
            }
            catch (ObjectDisposedException)
            {
                // output after dispose is dropped
            }
        }
    }

    private const int SigTerm = 15;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int pid, int signal);
}
