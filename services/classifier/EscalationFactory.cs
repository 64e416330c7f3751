using Agents.Classifier.Pipeline;
using Agents.Contracts;

namespace Agents.Classifier;

/// <summary>
/// The escalation of a ticket a person must look at: why (in words and as a kind), the classification, the ticket's
/// version, and its subject and excerpt from the redacted text (never the requester): it travels on the bus and sits
/// in the writer's inbox, where no secret from the ticket belongs.
/// </summary>
public static class EscalationFactory
{
    public static TicketEscalated For(TicketReceived ticket, ClassificationResult result) => new()
    {
        Source = ticket.Source,
        ExternalId = ticket.ExternalId,
        Reason = result.EscalationReason ?? throw new ArgumentException("The ticket is not escalated.", nameof(result)),
        ReasonKind = result.EscalationKind ?? EscalationReasons.Other,
        Classification = result.Classification,
        // The writer's inbox keeps one row per ticket version, as the saga keeps one generation: copies are one.
        TicketUpdatedAt = ticket.UpdatedAt,
        Subject = result.RedactedSubject,
        Excerpt = ProposalFactory.Excerpt(result.RedactedBody),
        EscalatedAt = DateTimeOffset.UtcNow,
    };
}
