namespace Agents.Ingest;

/// <summary>The <c>Ingest</c> configuration section.</summary>
public sealed class IngestOptions
{
    public const string Section = "Ingest";

    /// <summary>Largest body accepted; larger gets 413.</summary>
    public long MaxBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>How long to wait for the broker's confirm before answering 503.</summary>
    public TimeSpan PublishTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Retry-After sent with a 503.</summary>
    public int RetryAfterSeconds { get; set; } = 10;

    /// <summary>Per-source secrets: <c>Ingest__Sources__generic__Secret</c>. No secret, no access.</summary>
    public Dictionary<string, SourceOptions> Sources { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}

public sealed class SourceOptions
{
    public string? Secret { get; set; }
}
