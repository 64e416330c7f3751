namespace Agents.Contracts;

/// <summary>An approver's yes. Published by the approval API or any client on the bus.</summary>
public record ApproveWrite
{
    public required Guid CorrelationId { get; init; }
    public required string Approver { get; init; }

    /// <summary>
    /// <see cref="WriteContent.Hash(string, IReadOnlyDictionary{string, string}, int)"/> of the version the approver
    /// saw. An approval naming another version than the write's current one (it was superseded meanwhile), or none,
    /// is refused and audited: nothing is applied on the strength of it.
    /// </summary>
    public string? ContentHash { get; init; }

    /// <summary>
    /// The changes as the approver edited them (only the text of a reply or a note, <see cref="WriteKinds.Texts"/>,
    /// may be edited), or null: the write as proposed. Applied instead of the proposal's changes.
    /// </summary>
    public IReadOnlyDictionary<string, string>? EditedChanges { get; init; }

    /// <summary><see cref="WriteContent.Edited"/> of <see cref="ContentHash"/> and <see cref="EditedChanges"/>; required with them.</summary>
    public string? EditedContentHash { get; init; }

    public string? Reason { get; init; }
    public DateTimeOffset DecidedAt { get; init; }
}
