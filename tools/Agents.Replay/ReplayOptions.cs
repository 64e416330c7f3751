namespace Agents.Replay;

/// <summary>
/// The <c>Replay</c> configuration section (environment: <c>Replay__IngestSecret</c>, …): where the live replay
/// sends, with which secret, how hard it pushes. The secret is read only from configuration, never from the
/// command line (where shell history and process lists would keep it).
/// </summary>
public sealed class ReplayOptions
{
    public const string Section = "Replay";

    /// <summary>Ingest's base URL (scripts/run starts it on 5001).</summary>
    public string IngestUrl { get; set; } = "http://127.0.0.1:5001";

    /// <summary>The generic source's Standard Webhooks secret (<c>whsec_…</c>), the value of ingest's <c>Ingest__Sources__generic__Secret</c>.</summary>
    public string? IngestSecret { get; set; }

    /// <summary>Requests in flight at once.</summary>
    public int Concurrency { get; set; } = 4;

    /// <summary>Attempts per ticket when ingest answers 429/502/503 or does not answer.</summary>
    public int MaxAttempts { get; set; } = 6;

    /// <summary>The longest Retry-After that is waited in full; a longer one is cut to this.</summary>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>One request, start to end.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);
}
