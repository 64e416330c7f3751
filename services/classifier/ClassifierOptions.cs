namespace Agents.Classifier;

/// <summary>The <c>Classifier</c> configuration section.</summary>
public sealed class ClassifierOptions
{
    public const string Section = "Classifier";

    /// <summary>Below this confidence a ticket goes to a person instead of getting automatic proposals.</summary>
    public double EscalationThreshold { get; set; } = 0.7;

    /// <summary>The rules file (keywords and patterns per category and priority).</summary>
    public string RulesFile { get; set; } = "rules.json";
}
