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

    public string? Reason { get; init; }
    public DateTimeOffset DecidedAt { get; init; }
}
