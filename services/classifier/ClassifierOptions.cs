using Agents.Classifier.Llm;

namespace Agents.Classifier;

/// <summary>The <c>Classifier</c> configuration section.</summary>
public sealed class ClassifierOptions
{
    public const string Section = "Classifier";

    /// <summary>Below this confidence a ticket goes to a person instead of getting automatic proposals.</summary>
    public double EscalationThreshold { get; set; } = 0.7;

    /// <summary>The rules file (keywords and patterns per category and priority).</summary>
    public string RulesFile { get; set; } = "rules.json";

    /// <summary>
    /// The categories a ticket can get (the LLM must pick one of them; the rules file names its categories from
    /// it). Empty means: the categories of the rules file.
    /// </summary>
    public List<string> Taxonomy { get; set; } = [];

    /// <summary>
    /// How long a handled delivery is remembered, so a copy of it publishes nothing (ingest's dedupe window); a copy
    /// arriving later is handled again.
    /// </summary>
    public TimeSpan DeliveryWindow { get; set; } = TimeSpan.FromDays(7);

    /// <summary>The permissions file (its reader agent's reads); relative paths are read from the classifier's folder.</summary>
    public string PolicyFile { get; set; } = "policy.yaml";

    /// <summary>Reading a ticket's text from its CRM when its webhook carried ids only.</summary>
    public Hydration.HydrationOptions Hydration { get; set; } = new();

    public LlmOptions Llm { get; set; } = new();
    public BreakerOptions Breaker { get; set; } = new();

    /// <summary>Drafted replies (<c>Classifier:Drafts</c>).</summary>
    public Drafting.DraftOptions Drafts { get; set; } = new();

    /// <summary>
    /// Operators who may read the step log (<c>Classifier__Operators__0__Name</c>, <c>__Token</c>), read by the named-token
    /// authentication at each request (so not bound here).
    /// </summary>
    public const string OperatorsSection = Section + ":Operators";
}
