namespace Agents.Contracts;

/// <summary>
/// Published by the writer's expiry sweeper for a pending write whose time ran out. The saga decides: a write that
/// was decided meanwhile ignores it.
/// </summary>
public record ExpireWrite
{
    public required Guid CorrelationId { get; init; }
    public DateTimeOffset DueAt { get; init; }
}
