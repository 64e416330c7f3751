namespace Agents.Contracts;

/// <summary>An approver's no.</summary>
public record RejectWrite
{
    public required Guid CorrelationId { get; init; }
    public required string Approver { get; init; }

    /// <summary>The version the approver saw; when given and no longer current, the rejection is refused and audited.</summary>
    public string? ContentHash { get; init; }

    public string? Reason { get; init; }
    public DateTimeOffset DecidedAt { get; init; }
}
