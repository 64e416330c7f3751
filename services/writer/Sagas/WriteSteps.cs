using Agents.Contracts;
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

    public static void Decide<T>(this BehaviorContext<WriteApprovalState, T> ctx, string approver, string? reason, DateTimeOffset decidedAt)
        where T : class
    {
        var saga = ctx.Saga;
        saga.DecidedBy = approver;
        saga.DecisionReason = reason;
        saga.DecidedAt = decidedAt == default ? ctx.Now() : decidedAt;
        saga.UpdatedAt = ctx.Now();
        ctx.CountDecision(saga.DecidedAt.Value - saga.ProposedAt);
    }

    public static void Fail<T>(this BehaviorContext<WriteApprovalState, T> ctx, string reason) where T : class
    {
        ctx.Saga.FailureReason = reason;
        ctx.Saga.UpdatedAt = ctx.Now();
        ctx.Audit("failed", "system", reason);
    }

    public static void RefuseDecision<T>(this BehaviorContext<WriteApprovalState, T> ctx, string approver, string verb) where T : class
    {
        var where = ctx.Saga.CurrentState == nameof(WriteApprovalStateMachine.HeldForBulkReview)
            ? $"held for bulk review in batch {ctx.Saga.BatchId}: decide the batch"
            : $"already {ctx.Saga.CurrentState}";
        ctx.Audit("refused", approver, $"{verb} on a write {where}");
        ctx.Log().LogWarning("{Verb} by {Approver} refused for write {IdempotencyKey}: {State}", verb, approver, ctx.Saga.IdempotencyKey, ctx.Saga.CurrentState);
    }

    public static void RefuseStaleDecision<T>(this BehaviorContext<WriteApprovalState, T> ctx, string approver, string verb, string? named)
        where T : class
    {
        var detail = named is null
            ? $"{verb} names no version of the write: nothing done"
            : $"{verb} of version {WriteContent.Short(named)} refused: the write is now {WriteContent.Short(ctx.Saga.ContentHash)} (changed since it was seen); nothing done";
        ctx.Audit("refused", approver, detail, named);
        ctx.Log().LogWarning("{Verb} by {Approver} refused for write {IdempotencyKey}: it changed since it was seen", verb, approver, ctx.Saga.IdempotencyKey);
    }
}
