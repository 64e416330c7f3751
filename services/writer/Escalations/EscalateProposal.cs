using System.Globalization;
using Agents.Contracts;

namespace Agents.Writer.Escalations;

/// <summary>
/// The <c>escalate</c> write the writer proposes for every escalation it takes into its inbox: the ticket handed to a
/// person in its own CRM (a note with the reason, a tag, a group, an owner, a label: each adapter as its vendor
/// allows), through the same saga, policy, route and bulk guard as every write. Its key is the ticket's escalate key,
/// so every copy meets one saga; its content names the inbox generation, so a newer version escalated again is the
/// write's next generation and a copy is a duplicate.
/// </summary>
public static class EscalateProposal
{
    public static ProposeWrite For(TicketEscalated escalation, Escalation row, DateTimeOffset proposedAt)
    {
        var key = WriteKey.For(escalation.Source, escalation.ExternalId, WriteKinds.Escalate);
        return new ProposeWrite
        {
            CorrelationId = WriteKey.CorrelationIdFor(key),
            IdempotencyKey = key,
            Source = escalation.Source,
            ExternalId = escalation.ExternalId,
            Kind = WriteKinds.Escalate,
            Changes = new Dictionary<string, string>
            {
                ["reason"] = row.ReasonKind,
                ["note"] = Note(escalation),
                ["escalation"] = row.Generation.ToString(CultureInfo.InvariantCulture),
            },
            RecordCount = 1, // the ticket
            TicketUpdatedAt = escalation.TicketUpdatedAt,
            Subject = escalation.Subject,
            Excerpt = escalation.Excerpt,
            Classification = escalation.Classification,
            ProposedAt = proposedAt,
        };
    }

    /// <summary>Id of the escalate write of a ticket (the saga row every generation of it lives on).</summary>
    public static Guid WriteIdFor(string source, string externalId) =>
        WriteKey.CorrelationIdFor(WriteKey.For(source, externalId, WriteKinds.Escalate));

    /// <summary>What a person reads in the CRM: why, and what the machine thought. No ticket text: the CRM has it.</summary>
    private static string Note(TicketEscalated escalation)
    {
        var c = escalation.Classification;
        return string.Create(CultureInfo.InvariantCulture,
            $"Needs a person: {escalation.Reason}. Classified {c.Category}, priority {c.Priority}, confidence {c.Confidence:0.00} by {c.ClassifiedBy}.");
    }
}
