namespace Agents.Contracts;

/// <summary>
/// A person releases a batch the bulk guard held: every write of it goes on as if the guard had not tripped
/// (normal approval, or auto-approval where the policy allows it).
/// </summary>
public record ReleaseBatch
{
    public required Guid BatchId { get; init; }
    public required string Approver { get; init; }

    /// <summary>
    /// The batch as the approver saw it (hash of its writes and their content hashes). A batch that gained or changed
    /// a write since is not released.
    /// </summary>
    public string? ContentHash { get; init; }

    public string? Reason { get; init; }
    public DateTimeOffset DecidedAt { get; init; }
}

/// <summary>A person rejects a batch the bulk guard held: every write of it is rejected.</summary>
public record RejectBatch
{
    public required Guid BatchId { get; init; }
    public required string Approver { get; init; }

    /// <summary>The batch as the approver saw it; when given and no longer current, nothing is rejected.</summary>
    public string? ContentHash { get; init; }

    public string? Reason { get; init; }
    public DateTimeOffset DecidedAt { get; init; }
}

/// <summary>
/// The decision on a batch, sent to each write of it once the batch is closed (one message per write, so each
/// saga decides under its own row lock).
/// </summary>
public record BatchWriteDecided
{
    public required Guid CorrelationId { get; init; }
    public required Guid BatchId { get; init; }
    public required bool Released { get; init; }
    public required string Approver { get; init; }

    /// <summary>The write's content hash when its batch was decided: a write changed since is held again, not released.</summary>
    public string? ContentHash { get; init; }

    public string? Reason { get; init; }
    public DateTimeOffset DecidedAt { get; init; }
}
