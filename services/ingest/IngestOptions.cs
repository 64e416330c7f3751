namespace Agents.Ingest;

/// <summary>The <c>Ingest</c> configuration section.</summary>
public sealed class IngestOptions
{
    public const string Section = "Ingest";

    /// <summary>Largest body accepted; larger gets 413.</summary>
    public long MaxBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>Longest ticket body (characters, after HTML to text) published; longer is cut with a warning.</summary>
    public int MaxTextLength { get; set; } = 32 * 1024;

    /// <summary>How long to wait for the broker's confirm before answering 503.</summary>
    public TimeSpan PublishTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Retry-After sent with a 503.</summary>
    public int RetryAfterSeconds { get; set; } = 10;

    /// <summary>How far a signed timestamp may be from now before the delivery is refused as a replay.</summary>
    public TimeSpan SignatureTolerance { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long refused bodies stay in the quarantine table.</summary>
    public TimeSpan QuarantineRetention { get; set; } = TimeSpan.FromDays(14);

    /// <summary>Most quarantine rows kept; the oldest beyond it are removed.</summary>
    public int QuarantineMaxRows { get; set; } = 100_000;

    /// <summary>How often old quarantine rows and delivery records are removed.</summary>
    public TimeSpan CleanupInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long an accepted delivery is remembered to recognise the vendor's retries.</summary>
    public TimeSpan DedupeWindow { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Longest wait on PostgreSQL per request; past it ingest answers without the database.</summary>
    public TimeSpan DatabaseTimeout { get; set; } = TimeSpan.FromSeconds(5);

    public RateLimitOptions RateLimit { get; set; } = new();

    /// <summary>Per-source secrets and options: <c>Ingest__Sources__generic__Secret</c>. No secret, no access.</summary>
    public Dictionary<string, SourceOptions> Sources { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Operators allowed to read and replay the quarantine: <c>Ingest__Operators__0__Name/Token</c>.</summary>
    public List<Agents.ServiceDefaults.Security.NamedToken> Operators { get; set; } = [];
}

public sealed class SourceOptions
{
    public string? Secret { get; set; }

    /// <summary>Unsigned vendors (Freshdesk, Groove): the header carrying the shared secret.</summary>
    public string? Header { get; set; }

    /// <summary>
    /// HubSpot v3 signs the URL it called; behind a proxy set the public one
    /// (<c>https://hooks.example.com/webhooks/hubspot</c>). Unset: rebuilt from the request.
    /// </summary>
    public string? PublicUrl { get; set; }

    /// <summary>
    /// Accept signatures without a timestamp (HubSpot v1/v2, Front's legacy SHA-1 rule webhooks). Off by default:
    /// they cannot be refused as stale, only recognised as duplicates.
    /// </summary>
    public bool AllowLegacySignatures { get; set; }
}

public sealed class RateLimitOptions
{
    /// <summary>Requests per second per source.</summary>
    public int PermitsPerSecond { get; set; } = 200;

    /// <summary>Requests a source may send at once above the steady rate; 0 means the same as PermitsPerSecond.</summary>
    public int Burst { get; set; }
}

