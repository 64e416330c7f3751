namespace Agents.Launcher;

/// <summary>
/// The whole system as separate processes, N instances per service, against one broker and one database: what
/// <c>docker compose up --scale ingest=2 --scale classifier=3 …</c> does. Writers start first (their migrations, and
/// their queues exist before anything is published), then classifiers, then ingest.
/// </summary>
public sealed class SystemLauncher : IAsyncDisposable
{
    private static readonly ServiceKind[] StartOrder = [ServiceKind.Writer, ServiceKind.Classifier, ServiceKind.Ingest];

    private readonly List<ServiceProcess> _instances = [];
    private readonly Lock _lock = new();
    private readonly Dictionary<ServiceKind, int> _started = [];

    private SystemLauncher(SystemLaunchOptions options) => Options = options;

    public SystemLaunchOptions Options { get; }

    /// <summary>Instances running now (killed ones are removed), in start order.</summary>
    public IReadOnlyList<ServiceProcess> Instances
    {
        get { lock (_lock) return _instances.ToList(); }
    }

    public IReadOnlyList<ServiceProcess> Of(ServiceKind kind) => Instances.Where(i => i.Kind == kind).ToList();

    public static async Task<SystemLauncher> StartAsync(SystemLaunchOptions options, CancellationToken cancellationToken = default)
    {
        var launcher = new SystemLauncher(options);
        try
        {
            foreach (var kind in StartOrder)
            {
                await Task.WhenAll(Enumerable.Range(0, options.CountOf(kind))
                    .Select(_ => launcher.AddInstanceAsync(kind, cancellationToken)));
            }
            return launcher;
        }
        catch
        {
            await launcher.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Starts one more instance of <paramref name="kind"/> (scale out, or replace a killed one), with
    /// <paramref name="extraSettings"/> over the configured ones (another concurrency limit, say).
    /// </summary>
    public async Task<ServiceProcess> AddInstanceAsync(ServiceKind kind, CancellationToken cancellationToken = default,
        IReadOnlyDictionary<string, string?>? extraSettings = null)
    {
        var settings = new Dictionary<string, string?>(Options.SettingsFor(kind));
        foreach (var (key, value) in extraSettings ?? new Dictionary<string, string?>())
            settings[key] = value;
        int number;
        lock (_lock)
            number = _started[kind] = _started.GetValueOrDefault(kind) + 1;
        var name = $"{kind.Folder()}-{number}";
        var instance = await ServiceProcess.StartAsync(kind, settings,
            Path.Combine(Options.LogDirectory, name + ".log"), name, Options.ReadyTimeout, cancellationToken: cancellationToken);
        lock (_lock)
            _instances.Add(instance);
        return instance;
    }

    /// <summary>SIGKILL one instance and forget it (its log file stays).</summary>
    public async Task KillAsync(ServiceProcess instance)
    {
        await instance.KillAsync();
        lock (_lock)
            _instances.Remove(instance);
        await instance.DisposeAsync();
    }

    /// <summary>SIGTERM one instance (it finishes what it holds), and forget it.</summary>
    public async Task StopAsync(ServiceProcess instance)
    {
        await instance.StopAsync();
        lock (_lock)
            _instances.Remove(instance);
        await instance.DisposeAsync();
    }

    /// <summary>
    /// Replaces each instance that exited on its own (a crash, or exit code 75 after its publishing stalled) by a new
    /// one, as a supervisor does (compose's <c>restart: unless-stopped</c>, Kubernetes); instances the launcher killed
    /// or stopped are gone from the list already. Returns the ones replaced.
    /// </summary>
    public async Task<IReadOnlyList<ExitedInstance>> ReplaceExitedAsync(CancellationToken cancellationToken = default)
    {
        List<ServiceProcess> exited;
        lock (_lock)
        {
            exited = _instances.Where(i => i.HasExited).ToList();
            _instances.RemoveAll(exited.Contains);
        }
        var replaced = new List<ExitedInstance>();
        foreach (var instance in exited)
        {
            replaced.Add(new ExitedInstance(instance.Name, instance.Kind, instance.ExitCode ?? -1, instance.LogPath));
            await instance.DisposeAsync();
            await AddInstanceAsync(instance.Kind, cancellationToken);
        }
        return replaced;
    }

    /// <summary>Waits until every running instance answers /health/ready again (after a broker restart, say).</summary>
    public Task WaitUntilReadyAsync(TimeSpan timeout, CancellationToken cancellationToken = default) =>
        Task.WhenAll(Instances.Select(i => i.WaitUntilReadyAsync(timeout, cancellationToken)));

    /// <summary>Stops everything gracefully, the reverse of the start order (ingest stops taking webhooks first).</summary>
    public async Task StopAsync()
    {
        foreach (var kind in StartOrder.Reverse())
        {
            var group = Of(kind);
            await Task.WhenAll(group.Select(i => i.DisposeAsync().AsTask()));
            lock (_lock)
                _instances.RemoveAll(group.Contains);
        }
    }

    public ValueTask DisposeAsync() => new(StopAsync());
}

/// <summary>An instance that exited on its own, as <see cref="SystemLauncher.ReplaceExitedAsync"/> found it.</summary>
public sealed record ExitedInstance(string Name, ServiceKind Kind, int ExitCode, string LogPath);
