using Agents.Contracts;
using Agents.Writer.Sagas.Activities;
using MassTransit;

namespace Agents.Writer.Sagas;

/// <summary>The changes to a write that transitions and activities share: holding a proposal, deciding, failing, refusing a decision.</summary>
public static class WriteSteps
{
    /// <summary>Takes the proposal's content into the write; its proposal time stays the first one of the generation.</summary>
    public static void Hold<T>(this BehaviorContext<WriteApprovalState, T> ctx, ProposeWrite message) where T : class
    {
        var saga = ctx.Saga;
        var now = ctx.Now();
        // The consume activity of the first proposal belongs to the ticket's trace (webhook → classifier → here).
        saga.TraceParent ??= System.Diagnostics.Activity.Current?.Id;
        saga.IdempotencyKey = message.IdempotencyKey;
        saga.Source = message.Source;
        saga.ExternalId = message.ExternalId;
        saga.Kind = message.Kind;
        saga.Changes = ProposalContent.ToJson(message.Changes);
        saga.Before = ProposalContent.ToJson(message.Before);
        saga.ContentHash = WriteContent.Hash(message);
        saga.TicketUpdatedAt = ProposalVersion.Newest(message.TicketUpdatedAt, saga.TicketUpdatedAt);
        saga.RecordCount = message.RecordCount;
        saga.Subject = message.Subject;
        saga.Excerpt = message.Excerpt;
        saga.Classification = message.Classification is null ? null : ProposalContent.ToJson(message.Classification);
        saga.Notes = message.Notes.Count > 0 ? ProposalContent.ToJson(message.Notes) : null;
        saga.Confidence = message.Classification?.Confidence;
        if (saga.ProposedAt == default)
            saga.ProposedAt = message.ProposedAt == default ? now : message.ProposedAt;
        saga.UpdatedAt = now;
    }

    /// <summary>Takes the decision into the write; the machine counts it next (<see cref="Activities.RecordSteps.CountDecision{T}"/>).</summary>
    public static void Decide<T>(this BehaviorContext<WriteApprovalState, T> ctx, string approver, string? reason, DateTimeOffset decidedAt)
        where T : class
    {
        var saga = ctx.Saga;
        saga.DecidedBy = approver;
        saga.DecisionReason = reason;
        saga.DecidedAt = decidedAt == default ? ctx.Now() : decidedAt;
        saga.UpdatedAt = ctx.Now();
    }

    /// <summary>The write failed for good: why, audited.</summary>
    public static EventActivityBinder<WriteApprovalState, T> Fail<T>(this EventActivityBinder<WriteApprovalState, T> binder,
        Func<BehaviorContext<WriteApprovalState, T>, string> reason) where T : class =>
        binder.Then(ctx =>
            {
                ctx.Saga.FailureReason = reason(ctx);
                ctx.Saga.UpdatedAt = ctx.Now();
            })
            .Audit("failed", ctx => AuditNote.System(ctx.Saga.FailureReason));

    /// <summary>A decision the write's state does not take (a closed write, or one held in a batch): refused, audited.</summary>
    public static EventActivityBinder<WriteApprovalState, T> RefuseDecision<T>(this EventActivityBinder<WriteApprovalState, T> binder,
        Func<BehaviorContext<WriteApprovalState, T>, Refusal> refusal) where T : class =>
        binder.Audit("refused", ctx =>
            {
                var (approver, verb, _) = refusal(ctx);
                var where = ctx.Saga.CurrentState == nameof(WriteApprovalStateMachine.HeldForBulkReview)
                    ? $"held for bulk review in batch {ctx.Saga.BatchId}: decide the batch"
                    : $"already {ctx.Saga.CurrentState}";
                return new AuditNote(approver, $"{verb} on a write {where}");
            })
            .Then(ctx =>
            {
                var ((approver, verb, _), key, state) = (refusal(ctx), ctx.Saga.IdempotencyKey, ctx.Saga.CurrentState);
                ctx.LogAfterCommit(log => log.LogWarning("{Verb} by {Approver} refused for write {IdempotencyKey}: {State}", verb, approver, key, state));
            });

    /// <summary>A decision taken on a version of the write superseded since (or naming none): refused, audited with the version it named.</summary>
    public static EventActivityBinder<WriteApprovalState, T> RefuseStaleDecision<T>(this EventActivityBinder<WriteApprovalState, T> binder,
        Func<BehaviorContext<WriteApprovalState, T>, Refusal> refusal) where T : class =>
        binder.Audit("refused", ctx =>
            {
                var (approver, verb, named) = refusal(ctx);
                return new AuditNote(approver, named is null
                    ? $"{verb} names no version of the write: nothing done"
                    : $"{verb} of version {WriteContent.Short(named)} refused: the write is now {WriteContent.Short(ctx.Saga.ContentHash)} (changed since it was seen); nothing done",
                    named);
            })
            .Then(ctx =>
            {
                var ((approver, verb, _), key) = (refusal(ctx), ctx.Saga.IdempotencyKey);
                ctx.LogAfterCommit(log => log.LogWarning("{Verb} by {Approver} refused for write {IdempotencyKey}: it changed since it was seen",
                    verb, approver, key));
            });
}

/// <summary>A decision refused: who took it, what it was (approve, reject, release), the version it named.</summary>
public readonly record struct Refusal(string Approver, string Verb, string? Named = null);
