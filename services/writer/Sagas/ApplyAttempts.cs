using Agents.Contracts;
using Agents.Writer.Sagas.Activities;
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
        ctx.Saga.ApplyRequestedBy = ctx.MessageId;
    }

    /// <summary>
    /// Whether this message is a copy of the one that started the current attempt: the same message again (an
    /// in-memory retry, a broker redelivery, a delay queue's redelivery keep its id), or this write of a
    /// <see cref="ProposeWrites"/> that was split after a failed attempt (<see cref="ProposeWritesConsumer.SplitCopyId"/>).
    /// Only a ProposeWrite can be such a split write, so only its id is hashed to compare (not every result's).
    /// Its first handling committed the decision; the ApplyWrite it published afterwards may have failed (the broker
    /// went away) or never left (the instance died), and nothing else would send it before the re-drive sweeper.
    /// </summary>
    public static bool StartedThisAttempt<T>(this BehaviorContext<WriteApprovalState, T> ctx) where T : class =>
        ctx.Saga.ApplyRequestedBy is { } by && ctx.MessageId is { } id
        && (id == by || ctx.Message is ProposeWrite && id == ProposeWritesConsumer.SplitCopyId(by, ctx.Saga.CorrelationId));

    /// <summary>
    /// Sends the current attempt's ApplyWrite again, for a copy of the message that started it
    /// (<see cref="StartedThisAttempt{T}"/>). If the first one did leave, both arrive: the first applies, the second
    /// finds the write applied or calls the CRM again under the same key, as a re-drive does.
    /// </summary>
    public static EventActivityBinder<WriteApprovalState, T> SendAttemptAgain<T>(this EventActivityBinder<WriteApprovalState, T> binder) where T : class =>
        binder.Audit("resent", ctx => AuditNote.System($"attempt {ctx.Saga.ApplyAttempt} sent again: a copy of the message that started it arrived"))
            .Then(ctx =>
            {
                ctx.Saga.ApplyRequestedAt = ctx.Now();
                var (key, attempt) = (ctx.Saga.IdempotencyKey, ctx.Saga.ApplyAttempt);
                ctx.LogAfterCommit(log => log.LogInformation(
                    "Write {IdempotencyKey}: attempt {Attempt} sent again for a copy of the message that started it", key, attempt));
            })
            .Publish(ctx => ApplyWriteFor(ctx.Saga));

    /// <summary>Starts an attempt and sends its ApplyWrite (the endpoint's in-memory outbox holds it until the message is handled and committed).</summary>
    public static EventActivityBinder<WriteApprovalState, T> StartApplying<T>(this EventActivityBinder<WriteApprovalState, T> binder) where T : class =>
        binder.Then(ctx => ctx.StartAttempt()).Publish(ctx => ApplyWriteFor(ctx.Saga));

    /// <summary>
    /// The attempt ended without applying: recorded (audited as <paramref name="action"/>), and the write moves to its
    /// next attempt (late copies and results of this one are stale from now), which the re-drive sweeper sends once the
    /// attempt's time is up.
    /// </summary>
    public static EventActivityBinder<WriteApprovalState, T> EndAttempt<T>(this EventActivityBinder<WriteApprovalState, T> binder,
        string action, Func<BehaviorContext<WriteApprovalState, T>, string> reason) where T : class =>
        binder.Audit(action, ctx => AuditNote.System($"attempt {ctx.Saga.ApplyAttempt}: {reason(ctx)}"))
            .Then(ctx =>
            {
                var saga = ctx.Saga;
                saga.FailureReason = reason(ctx);
                saga.UpdatedAt = ctx.Now();
                saga.ApplyAttempt++;
                saga.ApplyRequestedBy = null;
                var (key, why) = (saga.IdempotencyKey, saga.FailureReason);
                ctx.LogAfterCommit(log => log.LogWarning(
                    "Write {IdempotencyKey} not applied ({Action}): {Reason}; the re-drive sweeper sends it again later", key, action, why));
            });

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
