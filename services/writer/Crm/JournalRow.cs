using Agents.Writer.Sagas;

namespace Agents.Writer.Crm;

/// <summary>A journal row as <c>GET /journal</c> answers it: the applied changes as a JSON object, not JSON text.</summary>
public record JournalRow(
    long Id, Guid CorrelationId, string IdempotencyKey, int Generation, string Source, string ExternalId, string Kind,
    IReadOnlyDictionary<string, string> Changes, DateTimeOffset AppliedAt)
{
    public static JournalRow Of(JournalEntry e) =>
        new(e.Id, e.CorrelationId, e.IdempotencyKey, e.Generation, e.Source, e.ExternalId, e.Kind, ProposalContent.Changes(e.Changes), e.AppliedAt);
}
