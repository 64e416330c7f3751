namespace Agents.Classifier.Rules;

/// <summary>The rules file: keyword and pattern rules per category and priority.</summary>
public sealed class RuleSet
{
    public string DefaultCategory { get; set; } = "general";
    public string DefaultPriority { get; set; } = "medium";
    public List<CategoryRule> Categories { get; set; } = [];
    public List<PriorityRule> Priorities { get; set; } = [];
    public List<string> NegativeCues { get; set; } = [];
    public List<string> PositiveCues { get; set; } = [];
}

public sealed class CategoryRule
{
    public string Name { get; set; } = "";
    public List<string> Keywords { get; set; } = [];
    public List<string> Tags { get; set; } = [];
}

public sealed class PriorityRule
{
    public string Priority { get; set; } = "";
    public List<string> Keywords { get; set; } = [];
}
