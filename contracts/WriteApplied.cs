namespace Agents.Contracts;

/// <summary>The CRM accepted the write.</summary>
public record WriteApplied
{
    public required Guid CorrelationId { get; init; }

    /// <summary>The <see cref="ApplyWrite.Attempt"/> that applied it.</summary>
    public int Attempt { get; init; }

    public required string IdempotencyKey { get; init; }
    public required string Adapter { get; init; }
    public DateTimeOffset AppliedAt { get; init; }
}

/// <summary>
/// The CRM refused the write (<see cref="Permanent"/>: a 4xx other than 408/409/429, or no route), or kept failing past
/// the retry limit (not permanent: the write stays Applying and is re-driven later).
/// </summary>
public record WriteFailed
{
    public required Guid CorrelationId { get; init; }

    /// <summary>The <see cref="ApplyWrite.Attempt"/> that failed.</summary>
    public int Attempt { get; init; }

    /// <summary>True (the default of messages that predate it): the vendor's final no. False: worth trying again later.</summary>
    public bool Permanent { get; init; } = true;

    public required string IdempotencyKey { get; init; }
    public required string Reason { get; init; }
    public DateTimeOffset FailedAt { get; init; }
}
