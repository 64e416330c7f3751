namespace Agents.Ingest.Persistence;

/// <summary>
/// One sampled request that did not prove who sent it, in a ring of fixed size: <see cref="Slot"/> is reused in
/// turn, so the table never holds more than <c>Ingest__UnverifiedSample__MaxRows</c> rows, each cut to its bounds
/// before it is written.
/// </summary>
public sealed class UnverifiedRequest
{
    public int Slot { get; set; }

    /// <summary>The source named in the path (cut to 64 characters: for an unknown source it is the stranger's text).</summary>
    public required string Source { get; set; }

    public int StatusCode { get; set; }

    /// <summary>signature, too_large, unknown_source.</summary>
    public required string Reason { get; set; }

    public string? Detail { get; set; }
    public string? ClientAddress { get; set; }

    /// <summary>The request headers as JSON, with secrets and signatures removed, cut to the configured size.</summary>
    public required string Headers { get; set; }

    /// <summary>The first bytes of the body (none for a body declared larger than the limit).</summary>
    public required byte[] Body { get; set; }

    public long BodySize { get; set; }
    public DateTimeOffset ReceivedAt { get; set; }
}
