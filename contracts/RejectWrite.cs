namespace Agents.Contracts;

/// <summary>An approver's no.</summary>
public record RejectWrite
{
    public required Guid CorrelationId { get; init; }
    public required string Approver { get; init; }
    public string? Reason { get; init; }
    public DateTimeOffset DecidedAt { get; init; }
}
