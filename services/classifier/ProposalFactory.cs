using Agents.Contracts;

namespace Agents.Classifier;

/// <summary>
/// The CRM writes a classification leads to. Only <see cref="WriteKinds"/> can come out of here, whatever the
/// classifier (or an LLM) said.
/// </summary>
public static class ProposalFactory
{
    private const int ExcerptLength = 280;

    public static IReadOnlyList<ProposeWrite> For(TicketReceived ticket, Classification classification)
    {
        var proposals = new List<ProposeWrite>
        {
            Proposal(ticket, classification, WriteKinds.SetPriority,
                new Dictionary<string, string> { ["priority"] = classification.Priority },
                new Dictionary<string, string?> { ["priority"] = ticket.Priority }),
        };
        var newTags = classification.Tags.Append(classification.Category)
            .Select(t => t.Trim().ToLowerInvariant())
            .Where(t => t.Length > 0)
            .Except(ticket.Tags, StringComparer.OrdinalIgnoreCase)
            .Distinct()
            .Order(StringComparer.Ordinal)
            .ToList();
        if (newTags.Count > 0)
        {
            proposals.Add(Proposal(ticket, classification, WriteKinds.AddTags,
                new Dictionary<string, string> { ["tags"] = string.Join(",", newTags) },
                new Dictionary<string, string?> { ["tags"] = string.Join(",", ticket.Tags) }));
        }
        return proposals;
    }

    private static ProposeWrite Proposal(TicketReceived ticket, Classification classification, string kind,
        IReadOnlyDictionary<string, string> changes, IReadOnlyDictionary<string, string?> before)
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
            Before = before,
            Subject = ticket.Subject,
            Excerpt = ticket.Body.Length <= ExcerptLength ? ticket.Body : ticket.Body[..ExcerptLength] + "…",
            Classification = classification,
            ProposedAt = DateTimeOffset.UtcNow,
        };
    }
}
