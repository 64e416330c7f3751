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

    /// <summary>Most quarantine rows kept: each insert removes the oldest beyond it (the hourly cleanup too).</summary>
    public int QuarantineMaxRows { get; set; } = 100_000;

    /// <summary>How often old quarantine rows and delivery records are removed.</summary>
    public TimeSpan CleanupInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long an accepted delivery is remembered to recognise the vendor's retries.</summary>
    public TimeSpan DedupeWindow { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Longest wait on PostgreSQL per request; past it ingest answers without the database.</summary>
    public TimeSpan DatabaseTimeout { get; set; } = TimeSpan.FromSeconds(5);

    public RateLimitOptions RateLimit { get; set; } = new();

    public UnverifiedSampleOptions UnverifiedSample { get; set; } = new();

    /// <summary>Per-source secrets and options: <c>Ingest__Sources__generic__Secret</c>. No secret, no access.</summary>
    public Dictionary<string, SourceOptions> Sources { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Operators allowed to read and replay the quarantine: <c>Ingest__Operators__0__Name/Token</c>, read by the named-token
    /// authentication at each request (so not bound here).
    /// </summary>
    public const string OperatorsSection = Section + ":Operators";
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
    /// <summary>Verified deliveries per second per source.</summary>
    public int PermitsPerSecond { get; set; } = 200;

    /// <summary>Verified deliveries a source may send at once above the steady rate; 0 means the same as PermitsPerSecond.</summary>
    public int Burst { get; set; }

    /// <summary>
    /// Requests that have not proven who they are (bad or missing signature, too large to check, unknown source) per
    /// second per client address; over it they get 429 and cost not even a log line.
    /// </summary>
    public int UnverifiedPerSecond { get; set; } = 10;

    /// <summary>Unverified requests an address may send at once above the steady rate; 0 means the same as UnverifiedPerSecond.</summary>
    public int UnverifiedBurst { get; set; } = 20;
}

/// <summary>
/// What is kept of requests that have not proven who they are: a ring of <see cref="MaxRows"/> rows, each at most
/// <see cref="MaxBodyBytes"/> of body and <see cref="MaxHeaderBytes"/> of headers, written at most
/// <see cref="PerSecond"/> times a second per instance. Enough to see why a vendor's deliveries fail verification;
/// never more, whatever arrives.
/// </summary>
public sealed class UnverifiedSampleOptions
{
    public int MaxRows { get; set; } = 500;
    public int MaxBodyBytes { get; set; } = 2048;
    public int MaxHeaderBytes { get; set; } = 4096;
    public int PerSecond { get; set; } = 1;
}

