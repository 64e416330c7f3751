using Agents.Contracts;

namespace Agents.Classifier;

/// <summary>
/// The CRM writes a classification leads to. Only <see cref="WriteKinds"/> can come out of here, whatever the
/// classifier (or an LLM) said.
/// </summary>
public static class ProposalFactory
{
    private const int ExcerptLength = 280;

    // Every write proposed here changes fields of the one ticket it names: it touches one record. A write that fans
    // out (every ticket of a customer, an organization) must count each record it touches: the writer's bulk guard
    // holds proposals by this count, so it is set here explicitly, never left to a default.
    private const int RecordsOfOneTicket = 1;

    /// <summary>
    /// The proposals for a classified ticket. Subject and excerpt come from the redacted text: a proposal travels
    /// on the bus and sits in the approval table, where no secret from the ticket belongs.
    /// </summary>
    public static IReadOnlyList<ProposeWrite> For(TicketReceived ticket, Classification classification,
        string redactedSubject, string redactedBody)
    {
        var proposals = new List<ProposeWrite>
        {
            Proposal(ticket, classification, WriteKinds.SetPriority,
                new Dictionary<string, string> { ["priority"] = classification.Priority },
                new Dictionary<string, string?> { ["priority"] = ticket.Priority }, redactedSubject, redactedBody),
        };
        var newTags = classification.Tags.Append(classification.Category)
            // Tags as CRMs take them: lower case, no spaces ("Billing and Payments" becomes billing-and-payments).
            .Select(t => string.Join('-', t.Trim().ToLowerInvariant().Split(' ', StringSplitOptions.RemoveEmptyEntries)))
            .Where(t => t.Length > 0)
            .Except(ticket.Tags, StringComparer.OrdinalIgnoreCase)
            .Distinct()
            .Order(StringComparer.Ordinal)
            .ToList();
        if (newTags.Count > 0)
        {
            proposals.Add(Proposal(ticket, classification, WriteKinds.AddTags,
                new Dictionary<string, string> { ["tags"] = string.Join(",", newTags) },
                new Dictionary<string, string?> { ["tags"] = string.Join(",", ticket.Tags) }, redactedSubject, redactedBody));
        }
        return proposals;
    }

    /// <summary>A drafted reply as a write of <paramref name="kind"/> (a reply or a note) with its text as the <c>body</c> change.</summary>
    public static ProposeWrite Draft(TicketReceived ticket, Classification classification, string kind, Drafting.Draft draft,
        string redactedSubject, string redactedBody) =>
        Proposal(ticket, classification, kind, new Dictionary<string, string> { ["body"] = draft.Text },
            new Dictionary<string, string?>(), redactedSubject, redactedBody) with { Notes = [$"drafted by {draft.By}", .. draft.Notes, .. draft.Findings] };

    /// <summary>The start of a ticket's (redacted) body, as proposals and escalations show it.</summary>
    public static string Excerpt(string redactedBody) =>
        redactedBody.Length <= ExcerptLength ? redactedBody : redactedBody[..ExcerptLength] + "…";

    private static ProposeWrite Proposal(TicketReceived ticket, Classification classification, string kind,
        IReadOnlyDictionary<string, string> changes, IReadOnlyDictionary<string, string?> before, string subject, string body)
    {
        var key = WriteKey.For(ticket.Source, ticket.ExternalId, kind);
        return new ProposeWrite
        {
            CorrelationId = WriteKey.CorrelationIdFor(key),
            IdempotencyKey = key,
            Source = ticket.Source,
            ExternalId = ticket.ExternalId,
            Kind = kind,
            Changes = changes,
            RecordCount = RecordsOfOneTicket,
            // The version of the ticket this proposal comes from: a decided write takes a newer one as its next
            // generation, and a late event of an older one never replaces it.
            TicketUpdatedAt = ticket.UpdatedAt,
            Before = before,
            Subject = subject,
            Excerpt = Excerpt(body),
            Classification = classification,
            ProposedAt = DateTimeOffset.UtcNow,
        };
    }
}
