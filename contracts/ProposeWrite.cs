namespace Agents.Contracts;

/// <summary>
/// A CRM write the agent wants to make. The writer holds it for approval; <see cref="CorrelationId"/> is
/// <see cref="WriteKey.CorrelationIdFor"/> of <see cref="IdempotencyKey"/>, so every copy lands on one saga.
/// </summary>
public record ProposeWrite
{
    public required Guid CorrelationId { get; init; }
    public required string IdempotencyKey { get; init; }
    public required string Source { get; init; }
    public required string ExternalId { get; init; }

    /// <summary>One of <see cref="WriteKinds"/>.</summary>
    public required string Kind { get; init; }

    /// <summary>Field name to new value, as the CRM adapter will apply it.</summary>
    public required IReadOnlyDictionary<string, string> Changes { get; init; }

    /// <summary>Values before the change, as far as the ticket told us (for the approver's diff).</summary>
    public IReadOnlyDictionary<string, string?> Before { get; init; } = new Dictionary<string, string?>();

    /// <summary>
    /// How many CRM records this write touches, as its producer counts them (the ticket, for a write to a ticket's
    /// fields; every record, for a write that fans out). Required: the bulk guard holds proposals by it, so no producer
    /// may leave it to a default; the writer refuses a count below 1.
    /// </summary>
    public required int RecordCount { get; init; }

    /// <summary>
    /// The version of the ticket this proposal was derived from: when the vendor last changed it
    /// (<see cref="TicketReceived.UpdatedAt"/>). A write past its decision takes a proposal from a newer version as a
    /// new generation; a proposal from an older version never replaces one from a newer version. Unknown (null): never
    /// newer.
    /// </summary>
    public DateTimeOffset? TicketUpdatedAt { get; init; }

    public string Subject { get; init; } = "";
    public string Excerpt { get; init; } = "";
    public Classification? Classification { get; init; }

    /// <summary>
    /// What the approver should know beside the write (a drafted reply's origin, why a template stands in for the
    /// model, what a refused draft said wrong). Shown, never sent to the CRM, not part of the content hash.
    /// </summary>
    public IReadOnlyList<string> Notes { get; init; } = [];
    public DateTimeOffset ProposedAt { get; init; }
}
