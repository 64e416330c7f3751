namespace Agents.ServiceDefaults.Shadow;

/// <summary>How what people did compares with what the agent would have written.</summary>
public enum ShadowOutcome
{
    Agreed,
    Disagreed,
    NoHumanAction,
}

/// <summary>
/// One shadowed proposal and its settled outcome: what the report is built from, whether it came from live traffic
/// (the writer's <c>shadow_proposals</c>) or from a labelled file (the replay).
/// </summary>
public sealed record ShadowObservation(
    string Kind,
    string Source,
    string Language,
    double? Confidence,
    string AgentValue,
    string? PeopleValue,
    ShadowOutcome Outcome)
{
    public bool Judged => Outcome != ShadowOutcome.NoHumanAction;
}
