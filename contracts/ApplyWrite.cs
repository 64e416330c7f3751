namespace Agents.Contracts;

/// <summary>Sent by the approval saga once a write is approved: apply it to the CRM, idempotently by key.</summary>
public record ApplyWrite
{
    public required Guid CorrelationId { get; init; }

    /// <summary>
    /// The saga's apply attempt this message belongs to. The consumer applies it only while the write is still
    /// Applying this attempt: a copy of an earlier attempt (retried for minutes, shovelled back from an error queue)
    /// does nothing, so it cannot overwrite what people changed in the CRM since.
    /// </summary>
    public int Attempt { get; init; }

    public required string IdempotencyKey { get; init; }

    /// <summary>
    /// The write's generation (a newer version of the ticket after a decision opens the next one). The CRM-side key
    /// is the idempotency key and the generation together: each generation reaches the CRM once.
    /// </summary>
    public int Generation { get; init; } = 1;
    public required string Source { get; init; }
    public required string ExternalId { get; init; }
    public required string Kind { get; init; }
    public required IReadOnlyDictionary<string, string> Changes { get; init; }

    /// <summary>
    /// W3C traceparent of the trace the write was proposed in (the ticket's trace). A person's approval arrives in a
    /// trace of its own; the CRM write is recorded in the ticket's trace, linked to the approval's.
    /// </summary>
    public string? TicketTraceParent { get; init; }
}
