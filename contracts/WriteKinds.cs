namespace Agents.Contracts;

/// <summary>The only CRM writes the system can ever propose; nothing an LLM says can add one.</summary>
public static class WriteKinds
{
    public const string SetPriority = "set-priority";
    public const string AddTags = "add-tags";
    public const string SetCategory = "set-category";

    /// <summary>
    /// Hand the ticket to a person in its CRM (an internal note with the reason, a tag, a group, an owner, a label):
    /// proposed by the writer for every escalation it takes into its inbox, never by the classifier.
    /// </summary>
    public const string Escalate = "escalate";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal)
    {
        SetPriority, AddTags, SetCategory, Escalate,
    };
}
