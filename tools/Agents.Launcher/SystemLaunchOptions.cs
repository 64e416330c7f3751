namespace Agents.Launcher;

/// <summary>How many instances of each service to run, against which broker and database, with which settings.</summary>
public sealed class SystemLaunchOptions
{
    public int Ingest { get; init; } = 1;
    public int Classifier { get; init; } = 1;
    public int Writer { get; init; } = 1;

    /// <summary>Settings every instance gets (broker, database, …), keys as <c>Section:Key</c> or <c>Section__Key</c>.</summary>
    public IReadOnlyDictionary<string, string?> Common { get; init; } = new Dictionary<string, string?>();

    /// <summary>Settings for one kind of service only (webhook secrets for ingest, approvers for the writer, …).</summary>
    public IReadOnlyDictionary<ServiceKind, IReadOnlyDictionary<string, string?>> PerService { get; init; } =
        new Dictionary<ServiceKind, IReadOnlyDictionary<string, string?>>();

    /// <summary>Folder for the instances' log files (<c>writer-1.log</c> …).</summary>
    public string LogDirectory { get; init; } = Path.Combine(Path.GetTempPath(), "agents-launcher");

    public TimeSpan ReadyTimeout { get; init; } = TimeSpan.FromSeconds(120);

    public int CountOf(ServiceKind kind) => kind switch
    {
        ServiceKind.Ingest => Ingest,
        ServiceKind.Classifier => Classifier,
        ServiceKind.Writer => Writer,
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>Common settings overlaid with the ones for <paramref name="kind"/>.</summary>
    public IReadOnlyDictionary<string, string?> SettingsFor(ServiceKind kind)
    {
        var merged = new Dictionary<string, string?>(Common);
        if (PerService.TryGetValue(kind, out var own))
            foreach (var (key, value) in own)
                merged[key] = value;
        return merged;
    }
}
