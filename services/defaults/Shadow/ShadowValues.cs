namespace Agents.ServiceDefaults.Shadow;

/// <summary>
/// Whether people's value agrees with the agent's, field by field, the one comparison the writer (live) and the
/// replay (labelled file) both use. Values compare case-insensitively and trimmed ("High" is "high"); tags are sets:
/// people agreed with an add-tags proposal when every tag it would have added is on the ticket.
/// </summary>
public static class ShadowValues
{
    public const string Tags = "tags";

    public static bool Agree(string field, string agentValue, string peopleValue) =>
        field == Tags
            ? SplitTags(agentValue).IsSubsetOf(SplitTags(peopleValue))
            : string.Equals(agentValue.Trim(), peopleValue.Trim(), StringComparison.OrdinalIgnoreCase);

    public static ShadowOutcome Outcome(string field, string agentValue, string? peopleValue) =>
        peopleValue is null ? ShadowOutcome.NoHumanAction
        : Agree(field, agentValue, peopleValue) ? ShadowOutcome.Agreed
        : ShadowOutcome.Disagreed;

    public static HashSet<string> SplitTags(string? tags) =>
        new((tags ?? "").Split([',', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(t => t.ToLowerInvariant()), StringComparer.Ordinal);
}
