namespace Agents.Ingest.Persistence;

/// <summary>A refused delivery kept for an operator: what came in, why it was refused, and what replay made of it.</summary>
public sealed class QuarantinedWebhook
{
    public long Id { get; set; }
    public required string Source { get; set; }

    /// <summary>malformed, unsupported_media_type, no_ticket_identity, rate_limited, deferred (too_large in rows kept before 413s stopped being stored).</summary>
    public required string Reason { get; set; }

    public int StatusCode { get; set; }
    public string? Detail { get; set; }

    /// <summary>The request headers as JSON, with secrets and signatures removed.</summary>
    public required string Headers { get; set; }

    /// <summary>The body as received.</summary>
    public required byte[] Body { get; set; }

    public long BodySize { get; set; }
    public bool BodyTruncated { get; set; }

    /// <summary>True when the signature was checked and good before the refusal: every row kept now; rows kept by earlier versions may say false.</summary>
    public bool SignatureVerified { get; set; }

    public DateTimeOffset ReceivedAt { get; set; }
    public DateTimeOffset? ReplayedAt { get; set; }
    public string? ReplayedBy { get; set; }
    public string? ReplayResult { get; set; }
}
