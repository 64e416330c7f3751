namespace Agents.Contracts;

/// <summary>
/// A ticket a person must look at (urgent, unsure, no text, the LLM down, the CRM unreadable). No automatic write is
/// proposed for it; the writer takes it into its escalation inbox and hands the ticket to a person in its CRM.
/// Published mandatory: with no queue bound to it the broker returns it and the classifier retries, never drops it.
/// </summary>
public record TicketEscalated
{
    public required string Source { get; init; }
    public required string ExternalId { get; init; }

    /// <summary>Why, in words, with the figures (the confidence and the threshold it fell below).</summary>
    public required string Reason { get; init; }

    public required Classification Classification { get; init; }

    /// <summary>
    /// Why, as one of <see cref="EscalationReasons"/>, for filters and metrics. Empty in messages from before it
    /// existed (the writer then files them under <see cref="EscalationReasons.Other"/>).
    /// </summary>
    public string ReasonKind { get; init; } = "";

    /// <summary>
    /// The ticket's version (<see cref="TicketReceived.UpdatedAt"/>): a newer version of an escalated ticket is a new
    /// escalation, copies of the same version are one. Unknown (null): never newer.
    /// </summary>
    public DateTimeOffset? TicketUpdatedAt { get; init; }

    /// <summary>Subject and the start of the body, redacted like everything that leaves the classifier; no requester.</summary>
    public string Subject { get; init; } = "";

    public string Excerpt { get; init; } = "";

    public DateTimeOffset EscalatedAt { get; init; }
}
