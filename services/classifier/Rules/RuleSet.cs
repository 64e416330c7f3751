namespace Agents.Classifier.Rules;

/// <summary>
/// The rules file: per category and priority, keywords (by language, <c>"*"</c> for every language) and regular
/// expressions, each with a weight. Keywords match at the start of a word, case and accents ignored
/// ("factur" matches "Factura", "facturación"); a keyword ending in <c>$</c> matches the whole word only
/// ("fee$" matches "fee" and not "feel").
/// </summary>
public sealed class RuleSet
{
    public string DefaultCategory { get; set; } = "General Inquiry";
    public string DefaultPriority { get; set; } = "medium";

    /// <summary>ISO 639-1 codes the language detector chooses among (fewer is faster and more accurate).</summary>
    public List<string> Languages { get; set; } = ["en", "de", "es", "fr", "pt"];

    public List<CategoryRule> Categories { get; set; } = [];
    public List<PriorityRule> Priorities { get; set; } = [];
    public Dictionary<string, List<string>> NegativeCues { get; set; } = [];
    public Dictionary<string, List<string>> PositiveCues { get; set; } = [];
}

/// <summary>Keywords and patterns that are worth the same: each distinct hit adds <see cref="Weight"/>.</summary>
public class CueSet
{
    /// <summary>Language code (or "*") to keywords.</summary>
    public Dictionary<string, List<string>> Keywords { get; set; } = [];

    /// <summary>Regular expressions on the lower-cased text.</summary>
    public List<string> Patterns { get; set; } = [];

    /// <summary>What one keyword or pattern hit is worth (negative: evidence against the rule).</summary>
    public double Weight { get; set; } = 1.0;
}

public abstract class WeightedRule : CueSet
{
    /// <summary>Score before any hit (a category's share of ordinary traffic).</summary>
    public double Prior { get; set; }

    /// <summary>
    /// Further cue sets with their own weights: strong and weak evidence for one rule (an explicit "urgent" versus
    /// an "affecting our operations"), or evidence against it.
    /// </summary>
    public List<CueSet> Cues { get; set; } = [];

    /// <summary>
    /// A hit that is also in the subject counts this much more (0: the subject is text like any other). Requesters
    /// flag urgency in the subject line.
    /// </summary>
    public double SubjectBonus { get; set; }
}

public sealed class CategoryRule : WeightedRule
{
    public string Name { get; set; } = "";
    public List<string> Tags { get; set; } = [];
}

public sealed class PriorityRule : WeightedRule
{
    public string Priority { get; set; } = "";

    /// <summary>The score this priority needs to be chosen over the default.</summary>
    public double MinScore { get; set; } = 1.0;
}
