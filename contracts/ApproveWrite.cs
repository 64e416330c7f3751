namespace Agents.Contracts;

/// <summary>An approver's yes. Published by the approval API or any client on the bus.</summary>
public record ApproveWrite
{
    public required Guid CorrelationId { get; init; }
    public required string Approver { get; init; }
    public string? Reason { get; init; }
    public DateTimeOffset DecidedAt { get; init; }
}
