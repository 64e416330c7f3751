namespace Agents.Contracts;

/// <summary>The CRM accepted the write.</summary>
public record WriteApplied
{
    public required Guid CorrelationId { get; init; }
    public required string IdempotencyKey { get; init; }
    public required string Adapter { get; init; }
    public DateTimeOffset AppliedAt { get; init; }
}

/// <summary>The CRM refused the write, or kept failing past the retry limit.</summary>
public record WriteFailed
{
    public required Guid CorrelationId { get; init; }
    public required string IdempotencyKey { get; init; }
    public required string Reason { get; init; }
    public DateTimeOffset FailedAt { get; init; }
}
