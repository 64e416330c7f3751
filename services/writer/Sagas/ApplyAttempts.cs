using Agents.Contracts;
using MassTransit;

namespace Agents.Writer.Sagas;

/// <summary>
/// The write's apply attempts: one ApplyWrite per attempt, results counted for the current attempt only, an attempt
/// that ended without applying moving the write to its next one.
/// </summary>
public static class ApplyAttempts
{
    /// <summary>A decision starts an attempt; its number follows the last one, so copies of every earlier one are stale.</summary>
    public static void StartAttempt<T>(this BehaviorContext<WriteApprovalState, T> ctx) where T : class
    {
        ctx.Saga.ApplyAttempt++;
        ctx.Saga.ApplyRequestedAt = ctx.Now();
    }

    /// <summary>
    /// The attempt ended without applying: recorded, and the write moves to its next attempt (late copies and results
    /// of this one are stale from now), which the re-drive sweeper sends once the attempt's time is up.
    /// </summary>
    public static void EndAttempt<T>(this BehaviorContext<WriteApprovalState, T> ctx, string action, string reason) where T : class
    {
        var saga = ctx.Saga;
        saga.FailureReason = reason;
        saga.UpdatedAt = ctx.Now();
        ctx.Audit(action, "system", $"attempt {saga.ApplyAttempt}: {reason}");
        saga.ApplyAttempt++;
        ctx.Log().LogWarning("Write {IdempotencyKey} not applied ({Action}): {Reason}; the re-drive sweeper sends it again later",
            saga.IdempotencyKey, action, reason);
    }

    /// <summary>Decided longer ago than the writer waits for an apply (<see cref="WriterOptions.ApplyGiveUpAfter"/>).</summary>
    public static bool DecidedLongAgo<T>(this BehaviorContext<WriteApprovalState, T> ctx) where T : class =>
        (ctx.Saga.DecidedAt ?? ctx.Saga.UpdatedAt) + ctx.WriterOptions().ApplyGiveUpAfter <= ctx.Now();

    public static ApplyWrite ApplyWriteFor(WriteApprovalState saga) => new()
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
