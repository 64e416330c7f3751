namespace Agents.Contracts;

/// <summary>
/// Published by the writer's re-drive sweeper for a write Applying longer than it should be (its ApplyWrite lost with
/// an instance that died before publishing it, or its last attempt deferred by a failing CRM). The saga decides under
/// its row lock: it sends the attempt's ApplyWrite again, gives up, or, if the write moved on meanwhile, ignores it.
/// </summary>
public record RedriveWrite
{
    public required Guid CorrelationId { get; init; }

    /// <summary>The attempt the sweeper found stuck: a write that has moved to another one ignores this.</summary>
    public int Attempt { get; init; }

    public DateTimeOffset DueAt { get; init; }
}
