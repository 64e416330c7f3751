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

    /// <summary>Starts one more instance of <paramref name="kind"/> (scale out, or replace a killed one).</summary>
    public async Task<ServiceProcess> AddInstanceAsync(ServiceKind kind, CancellationToken cancellationToken = default)
    {
        int number;
        lock (_lock)
            number = _started[kind] = _started.GetValueOrDefault(kind) + 1;
        var name = $"{kind.Folder()}-{number}";
        var instance = await ServiceProcess.StartAsync(kind, Options.SettingsFor(kind),
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
