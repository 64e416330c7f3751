namespace Agents.Contracts;

/// <summary>The only CRM writes the system can ever propose; nothing an LLM says can add one.</summary>
public static class WriteKinds
{
    public const string SetPriority = "set-priority";
    public const string AddTags = "add-tags";
    public const string SetCategory = "set-category";

    /// <summary>A public reply to the requester (the <c>body</c> change), drafted by the agent, edited by an approver.</summary>
    public const string PostReply = "post-reply";

    /// <summary>An internal note on the ticket (the <c>body</c> change): the shipped kind of a drafted reply.</summary>
    public const string AddNote = "add-note";

    /// <summary>
    /// Hand the ticket to a person in its CRM (an internal note with the reason, a tag, a group, an owner, a label):
    /// proposed by the writer for every escalation it takes into its inbox, never by the classifier.
    /// </summary>
    public const string Escalate = "escalate";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal)
    {
        SetPriority, AddTags, SetCategory, PostReply, AddNote, Escalate,
    };

    /// <summary>The kinds whose <c>body</c> is text for people (a reply or a note), which an approver may edit.</summary>
    public static readonly IReadOnlySet<string> Texts = new HashSet<string>(StringComparer.Ordinal) { PostReply, AddNote };
}
