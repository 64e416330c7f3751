namespace Agents.Contracts;

/// <summary>The only CRM writes the system can ever propose; nothing an LLM says can add one.</summary>
public static class WriteKinds
{
    public const string SetPriority = "set-priority";
    public const string AddTags = "add-tags";
    public const string SetCategory = "set-category";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal)
    {
        SetPriority, AddTags, SetCategory,
    };
}
