using System.Text.Json;
using Agents.ServiceDefaults.Shadow;
using Agents.Writer.Sagas;

namespace Agents.Writer.Shadow;

/// <summary>
/// One shadowed generation of a write (<c>shadow_proposals</c>): what the agent would have written, kept apart from
/// the saga row (the next generation reuses that row) until the ticket settles and the outcome is recorded.
/// </summary>
public class ShadowProposal
{
    public long Id { get; set; }
    public Guid CorrelationId { get; set; }
    public int Generation { get; set; }
    public string Source { get; set; } = "";
    public string ExternalId { get; set; } = "";
    public string Kind { get; set; } = "";

    /// <summary>The ticket field the write changes (<see cref="Agents.Contracts.TicketFields"/>).</summary>
    public string Field { get; set; } = "";
    public string AgentValue { get; set; } = "";
    public string? Before { get; set; }
    public string Language { get; set; } = "";
    public double? Confidence { get; set; }

    /// <summary>The ticket version the proposal came from: only people's changes after it judge it.</summary>
    public DateTimeOffset? TicketUpdatedAt { get; set; }
    public DateTimeOffset ProposedAt { get; set; }

    /// <summary><see cref="ShadowOutcome"/> once settled, else null.</summary>
    public string? Outcome { get; set; }
    public string? PeopleValue { get; set; }
    public string? PeopleActor { get; set; }
    public DateTimeOffset? SettledAt { get; set; }

    public static ShadowProposal Of(WriteApprovalState saga)
    {
        var (field, value) = ProposalContent.Changes(saga.Changes).OrderBy(c => c.Key, StringComparer.Ordinal).FirstOrDefault();
        return new ShadowProposal
        {
            CorrelationId = saga.CorrelationId,
            Generation = saga.Generation,
            Source = saga.Source,
            ExternalId = saga.ExternalId,
            Kind = saga.Kind,
            Field = field ?? "",
            AgentValue = value ?? "",
            Before = ProposalContent.Before(saga.Before).GetValueOrDefault(field ?? ""),
            Language = LanguageOf(saga.Classification),
            Confidence = saga.Confidence,
            TicketUpdatedAt = saga.TicketUpdatedAt,
            ProposedAt = saga.ProposedAt,
        };
    }

    public ShadowObservation? Observation() =>
        Enum.TryParse<ShadowOutcome>(Outcome, out var outcome)
            ? new ShadowObservation(Kind, Source, Language, Confidence, AgentValue, PeopleValue, outcome)
            : null;

    private static string LanguageOf(string? classification)
    {
        if (classification is null)
            return "";
        using var json = JsonDocument.Parse(classification);
        return json.RootElement.TryGetProperty("language", out var language) && language.ValueKind == JsonValueKind.String
            ? language.GetString() ?? "" : "";
    }
}
