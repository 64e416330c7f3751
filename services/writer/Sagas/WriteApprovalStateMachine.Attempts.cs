using Agents.Contracts;
using MassTransit;

namespace Agents.Writer.Sagas;

/// <summary>
/// The write's apply attempts: one ApplyWrite per attempt, results counted for the current attempt only, an attempt
/// that ended without applying moving the write to its next one.
/// </summary>
public sealed partial class WriteApprovalStateMachine
{
    /// <summary>A decision starts an attempt; its number follows the last one, so copies of every earlier one are stale.</summary>
    private static void StartAttempt(WriteApprovalState saga)
    {
        saga.ApplyAttempt++;
        saga.ApplyRequestedAt = DateTimeOffset.UtcNow;
    }

    /// <summary>
    /// The attempt ended without applying: recorded, and the write moves to its next attempt (late copies and results
    /// of this one are stale from now), which the re-drive sweeper sends once the attempt's time is up.
    /// </summary>
    private void EndAttempt<T>(BehaviorContext<WriteApprovalState, T> ctx, string action, string reason) where T : class
    {
        var saga = ctx.Saga;
        saga.FailureReason = reason;
        saga.UpdatedAt = DateTimeOffset.UtcNow;
        ctx.Audit(action, "system", $"attempt {saga.ApplyAttempt}: {reason}");
        saga.ApplyAttempt++;
        _logger.LogWarning("Write {IdempotencyKey} not applied ({Action}): {Reason}; the re-drive sweeper sends it again later",
            saga.IdempotencyKey, action, reason);
    }

    private static bool DecidedLongAgo(WriteApprovalState saga, TimeSpan giveUpAfter) =>
        (saga.DecidedAt ?? saga.UpdatedAt) + giveUpAfter <= DateTimeOffset.UtcNow;

    private static ApplyWrite ApplyWriteFor(WriteApprovalState saga) => new()
    {
        CorrelationId = saga.CorrelationId,
        Attempt = saga.ApplyAttempt,
        Generation = saga.Generation,
        IdempotencyKey = saga.IdempotencyKey,
        Source = saga.Source,
        ExternalId = saga.ExternalId,
        Kind = saga.Kind,
        Changes = ProposalContent.Changes(saga.Changes),
        TicketTraceParent = saga.TraceParent,
    };
}
