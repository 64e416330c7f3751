namespace Agents.Replay;

/// <summary>
/// What the rules must reach on a labelled file (issue #4): language 95 %, priority 60 %, category (queue) 50 %.
/// The report prints each field's figure beside its goal.
/// </summary>
public static class AccuracyGoals
{
    private static readonly Dictionary<string, double> Goals = new(StringComparer.Ordinal)
    {
        ["category"] = 0.50,
        ["priority"] = 0.60,
        ["language"] = 0.95,
    };

    public static double? For(string field) => Goals.TryGetValue(field, out var goal) ? goal : null;
}
