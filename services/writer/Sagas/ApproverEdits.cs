using Agents.Contracts;

namespace Agents.Writer.Sagas;

/// <summary>
/// An approver's edit of a drafted reply or note: only the text (<c>body</c>) of a <see cref="WriteKinds.Texts"/>
/// write may change, never its kind, target or other fields, and the approval must name the edited version's hash
/// (<see cref="WriteContent.Edited"/>) so the text applied is the text approved. The audit keeps the proposed and the
/// applied text, and who edited.
/// </summary>
public static class ApproverEdits
{
    public const string TextField = "body";

    /// <summary>Why the edits of <paramref name="approval"/> cannot be applied to <paramref name="saga"/>, or null (none, or fine).</summary>
    public static string? Refusal(WriteApprovalState saga, ApproveWrite approval)
    {
        if (approval.EditedChanges is not { } edited)
            return null;
        if (!WriteKinds.Texts.Contains(saga.Kind))
            return $"a {saga.Kind} write cannot be edited: only the text of a reply or a note";
        var proposed = ProposalContent.Changes(saga.Changes);
        if (!edited.Keys.ToHashSet().SetEquals(proposed.Keys)
            || proposed.Any(p => p.Key != TextField && edited[p.Key] != p.Value))
            return $"only the '{TextField}' of the write can be edited";
        if (!edited.TryGetValue(TextField, out var text) || text.Trim().Length == 0)
            return "the edited text is empty";
        return approval.EditedContentHash == WriteContent.Edited(saga.ContentHash, edited)
            ? null
            : "the edited version's hash does not match its text";
    }

    /// <summary>The audit detail of an edit: the proposed and the applied changes, as JSON.</summary>
    public static string Detail(string proposedChangesJson, IReadOnlyDictionary<string, string> applied) =>
        ProposalContent.ToJson(new { proposed = ProposalContent.Changes(proposedChangesJson), applied });
}
