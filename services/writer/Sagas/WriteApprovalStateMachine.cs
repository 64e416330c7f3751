using Agents.Contracts;
using Agents.Writer.Sagas.Activities;
using MassTransit;

namespace Agents.Writer.Sagas;

/// <summary>
/// Holds every proposed CRM write until a person (or the policy) decides, then applies it once.
/// A new proposal is refused (policy, or no CRM route for its source), held for bulk review (bulk guard), auto-approved
/// (policy) or held for approval.
/// Duplicates: same key and same content → counted, nothing else. Same key, new content while pending → supersedes the
/// proposal (audited), unless it comes from an older ticket version (stale: ignored, audited). Same key, new content
/// from a newer ticket version once the write is decided → the write's next generation (audited) on the same row; while
/// the write is being applied it waits for that (queued). Anything else for a decided key → a duplicate, no change.
/// Every event is handled in every state, so no message ends in an error queue for arriving "late".
/// Only transitions live here: what needs the writer's services (policy, routes, bulk guard) runs in activities
/// resolved per message (<see cref="Activities"/>), and so do audit rows and metrics (<c>.Audit</c>, <c>.Count</c>).
/// </summary>
public sealed class WriteApprovalStateMachine : MassTransitStateMachine<WriteApprovalState>
{
    public State AwaitingApproval { get; private set; } = null!;
    public State HeldForBulkReview { get; private set; } = null!;
    public State Applying { get; private set; } = null!;
    public State Applied { get; private set; } = null!;
    public State Rejected { get; private set; } = null!;
    public State Failed { get; private set; } = null!;
    public State Expired { get; private set; } = null!;
    public State Refused { get; private set; } = null!;
    public State Shadowed { get; private set; } = null!;

    public Event<ProposeWrite> Proposed { get; private set; } = null!;
    public Event<ApproveWrite> ApprovalReceived { get; private set; } = null!;
    public Event<RejectWrite> RejectionReceived { get; private set; } = null!;
    public Event<BatchWriteDecided> BatchDecided { get; private set; } = null!;
    public Event<ExpireWrite> ExpiryDue { get; private set; } = null!;
    public Event<WriteApplied> CrmApplied { get; private set; } = null!;
    public Event<WriteFailed> CrmFailed { get; private set; } = null!;
    public Event<Fault<ApplyWrite>> CrmFaulted { get; private set; } = null!;
    public Event<RedriveWrite> RedriveDue { get; private set; } = null!;

    public WriteApprovalStateMachine()
    {
        InstanceState(x => x.CurrentState);
        Event(() => Proposed, e => e.CorrelateById(m => m.Message.CorrelationId));
        // An approval or rejection for nothing is a client bug: make it visible.
        Event(() => ApprovalReceived, e => e.CorrelateById(m => m.Message.CorrelationId).OnMissingInstance(m => m.Fault()));
        Event(() => RejectionReceived, e => e.CorrelateById(m => m.Message.CorrelationId).OnMissingInstance(m => m.Fault()));
        Event(() => BatchDecided, e => e.CorrelateById(m => m.Message.CorrelationId));
        Event(() => ExpiryDue, e => e.CorrelateById(m => m.Message.CorrelationId));
        Event(() => CrmApplied, e => e.CorrelateById(m => m.Message.CorrelationId));
        Event(() => CrmFailed, e => e.CorrelateById(m => m.Message.CorrelationId));
        Event(() => CrmFaulted, e => e.CorrelateById(m => m.Message.Message.CorrelationId));
        Event(() => RedriveDue, e => e.CorrelateById(m => m.Message.CorrelationId));

        Initially(Route(When(Proposed)
            .Then(ctx => ctx.Hold(ctx.Message))
            .Audit("proposed", ctx => AuditNote.System($"{ctx.Message.Kind} {ctx.Saga.Changes}")) // Hold wrote the changes' JSON
            .Activity(x => x.OfType<DecideWrite<ProposeWrite>>())));

        // Where an activity changes what another filter would read (the content, the generation), one When per event
        // branches inside: MassTransit runs every filtered When of an event in turn, so a second filter would see the
        // write as the first one left it. The other filtered Whens below only read what their activities leave alone.
        During([AwaitingApproval, HeldForBulkReview],
            When(Proposed).IfElse(ctx => ctx.Relation() == ProposalRelation.SameContent,
                same => same.Then(ctx =>
                    {
                        ctx.Saga.DuplicateCount++;
                        ctx.Saga.TicketUpdatedAt = ProposalVersion.Newest(ctx.Message.TicketUpdatedAt, ctx.Saga.TicketUpdatedAt);
                    })
                    .Count("duplicate"),
                other => other.IfElse(ctx => ctx.Relation() == ProposalRelation.Older,
                    older => older.Stale("the write holds a proposal from a newer version"),
                    newer => newer
                        .Audit("superseded", ctx => AuditNote.System($"was {ctx.Saga.Changes}, now {ProposalContent.ToJson(ctx.Message.Changes)}"))
                        .Then(ctx =>
                        {
                            ctx.Hold(ctx.Message);
                            ctx.Saga.SupersededCount++;
                        })
                        .Count("superseded")
                        .Activity(x => x.OfType<HoldSupersededOverLimit>())
                        .If(ctx => ctx.RouteOf() == WriteRoute.BulkHeld, held => held.TransitionTo(HeldForBulkReview)))),
            When(ExpiryDue, ctx => ctx.Saga.ExpiresAt <= ctx.Now())
                .Then(ctx =>
                {
                    ctx.Saga.UpdatedAt = ctx.Now();
                    var key = ctx.Saga.IdempotencyKey;
                    ctx.LogAfterCommit(log => log.LogInformation("Write {IdempotencyKey} expired without a decision", key));
                })
                .Audit("expired", ctx => AuditNote.System($"no decision by {ctx.Saga.ExpiresAt:O}"))
                .TransitionTo(Expired));

        // A decision names the version it was taken on: one taken on a version superseded since is refused, audited
        // with the version it named, and the write waits for a decision on what it says now.
        During(AwaitingApproval,
            When(ApprovalReceived, ctx => ctx.Message.ContentHash == ctx.Saga.ContentHash && ApproverEdits.Refusal(ctx.Saga, ctx.Message) is null)
                .Activity(x => x.OfType<AcceptApproval>())
                .StartApplying()
                .TransitionTo(Applying),
            When(ApprovalReceived, ctx => ctx.Message.ContentHash == ctx.Saga.ContentHash && ApproverEdits.Refusal(ctx.Saga, ctx.Message) is not null)
                .Audit("refused", ctx => new(ctx.Message.Approver,
                    $"approve refused: {ApproverEdits.Refusal(ctx.Saga, ctx.Message)}; nothing done", ctx.Message.EditedContentHash))
                .Then(ctx =>
                {
                    var (approver, key) = (ctx.Message.Approver, ctx.Saga.IdempotencyKey);
                    ctx.LogAfterCommit(log => log.LogWarning("Approval by {Approver} refused for write {IdempotencyKey}: its edits are not allowed",
                        approver, key));
                }),
            When(ApprovalReceived, ctx => ctx.Message.ContentHash != ctx.Saga.ContentHash)
                .RefuseStaleDecision(ctx => new(ctx.Message.Approver, "approve", ctx.Message.ContentHash)),
            When(RejectionReceived, ctx => ctx.Message.ContentHash is null || ctx.Message.ContentHash == ctx.Saga.ContentHash)
                .Then(ctx => ctx.Decide(ctx.Message.Approver, ctx.Message.Reason, ctx.Message.DecidedAt))
                .CountDecision()
                .Audit("rejected", ctx => new(ctx.Message.Approver, ctx.Message.Reason, ctx.Saga.ContentHash))
                .TransitionTo(Rejected),
            When(RejectionReceived, ctx => ctx.Message.ContentHash is not null && ctx.Message.ContentHash != ctx.Saga.ContentHash)
                .RefuseStaleDecision(ctx => new(ctx.Message.Approver, "reject", ctx.Message.ContentHash)));

        // Held writes are decided as a batch only: one-by-one approval is what the guard exists to stop.
        During(HeldForBulkReview,
            When(ApprovalReceived).RefuseDecision(ctx => new(ctx.Message.Approver, "approve")),
            When(RejectionReceived).RefuseDecision(ctx => new(ctx.Message.Approver, "reject")),
            Route(When(BatchDecided, ctx => ctx.Message.BatchId == ctx.Saga.BatchId && ctx.Message.Released && ctx.Message.ContentHash == ctx.Saga.ContentHash)
                .Audit("released", ctx => new(ctx.Message.Approver, $"batch {ctx.Message.BatchId}: {ctx.Message.Reason}", ctx.Message.ContentHash))
                .Activity(x => x.OfType<DecideReleasedWrite>())),
            When(BatchDecided, ctx => ctx.Message.BatchId == ctx.Saga.BatchId && ctx.Message.Released && ctx.Message.ContentHash != ctx.Saga.ContentHash)
                .RefuseStaleDecision(ctx => new(ctx.Message.Approver, $"release (batch {ctx.Message.BatchId})", ctx.Message.ContentHash))
                .Activity(x => x.OfType<HoldChangedAfterRelease>()),
            When(BatchDecided, ctx => ctx.Message.BatchId == ctx.Saga.BatchId && !ctx.Message.Released)
                .Then(ctx => ctx.Decide(ctx.Message.Approver, ctx.Message.Reason, ctx.Message.DecidedAt))
                .CountDecision()
                .Audit("rejected", ctx => new(ctx.Message.Approver, $"batch {ctx.Message.BatchId}: {ctx.Message.Reason}"))
                .TransitionTo(Rejected));

        // The message that started the current attempt, again: its first handling committed, and the ApplyWrite that
        // was to leave after the commit may not have (the broker went away, the instance died). Sent again now, not
        // after the re-drive sweeper's ten minutes. First among Applying's Whens of these events, so it sees the write
        // as the message found it: MassTransit runs them in turn, and a result that opens the next generation starts
        // an attempt with this very message, which the check after it would take for a copy. The Whens after it do
        // not take a copy: they handle a result or re-drive of the current attempt, which its first message is not.
        During(Applying,
            When(Proposed, ctx => ctx.StartedThisAttempt()).SendAttemptAgain(),
            When(ApprovalReceived, ctx => ctx.StartedThisAttempt()).SendAttemptAgain(),
            When(BatchDecided, ctx => ctx.StartedThisAttempt()).SendAttemptAgain(),
            When(CrmApplied, ctx => ctx.StartedThisAttempt()).SendAttemptAgain(),
            When(CrmFailed, ctx => ctx.StartedThisAttempt()).SendAttemptAgain(),
            When(RedriveDue, ctx => ctx.StartedThisAttempt()).SendAttemptAgain());

        // One decision, one ApplyWrite: a result counts only for the attempt the write is on. An attempt that ended
        // without applying (the CRM kept failing, or the consumer faulted: database, broker) is not a failed write:
        // it is audited, the write moves to its next attempt and stays Applying, and the re-drive sweeper sends it
        // again later. Only the CRM's final no fails it, or a write still not applied long after its decision.
        During(Applying,
            QueuedGeneration(When(CrmApplied, ctx => ctx.Message.Attempt == ctx.Saga.ApplyAttempt)
                .Then(ctx =>
                {
                    ctx.Saga.Adapter = ctx.Message.Adapter;
                    ctx.Saga.AppliedAt = ctx.Message.AppliedAt;
                    ctx.Saga.FailureReason = null;
                    ctx.Saga.UpdatedAt = ctx.Now();
                })
                .Audit("applied", ctx => AuditNote.System(ctx.Message.Adapter))
                .TransitionTo(Applied)),
            QueuedGeneration(When(CrmFailed, ctx => ctx.Message.Attempt == ctx.Saga.ApplyAttempt && ctx.Message.Permanent)
                .Fail(ctx => ctx.Message.Reason)
                .TransitionTo(Failed)),
            When(CrmFailed, ctx => ctx.Message.Attempt == ctx.Saga.ApplyAttempt && !ctx.Message.Permanent)
                .EndAttempt("apply_deferred", ctx => ctx.Message.Reason),
            When(CrmFaulted, ctx => ctx.Message.Message.Attempt == ctx.Saga.ApplyAttempt)
                .EndAttempt("apply_faulted", ctx => string.Join("; ", ctx.Message.Exceptions.Select(e => e.Message))),
            QueuedGeneration(When(RedriveDue, ctx => ctx.Message.Attempt == ctx.Saga.ApplyAttempt && ctx.DecidedLongAgo())
                .Fail(ctx => $"not applied within {ctx.WriterOptions().ApplyGiveUpAfter} of its decision; last: {ctx.Saga.FailureReason ?? "no answer from the CRM adapter"}")
                .TransitionTo(Failed)),
            When(RedriveDue, ctx => ctx.Message.Attempt == ctx.Saga.ApplyAttempt && !ctx.DecidedLongAgo())
                .Audit("redriven", ctx => AuditNote.System($"attempt {ctx.Saga.ApplyAttempt} sent again" +
                    (ctx.Saga.FailureReason is { } last ? $"; last: {last}" : "; its ApplyWrite was not answered")))
                .Then(ctx => ctx.Saga.ApplyRequestedAt = ctx.Now())
                .Publish(ctx => ApplyAttempts.ApplyWriteFor(ctx.Saga)));

        // Past the decision every further copy of the proposal is a duplicate: counted, audited, nothing else. Not
        // even in Applying: a second ApplyWrite would be a second CRM call. An ApplyWrite lost with an instance that
        // died between committing the decision and publishing comes back with the message's redelivery (above), and
        // failing that is the re-drive sweeper's to send again.
        During(Applying, When(Proposed, ctx => !ctx.StartedThisAttempt()).ProposedWhileApplying());
        During([Applied, Rejected, Failed, Expired, Refused, Shadowed],
            When(Proposed).IfElse(ctx => ctx.Relation() == ProposalRelation.Newer, NextGeneration, other => other.Duplicate()));

        // Approving twice is harmless (a second approval sends nothing), so is rejecting twice; any other decision on a
        // closed write is refused and audited (the API answers 409 before publishing; this covers clients on the bus).
        During(Applied, Ignore(ApprovalReceived));
        During(Rejected, Ignore(RejectionReceived));
        During([Rejected, Failed, Expired, Refused, Shadowed], When(ApprovalReceived).RefuseDecision(ctx => new(ctx.Message.Approver, "approve")));
        During([Applying, Applied, Failed, Expired, Refused, Shadowed], When(RejectionReceived).RefuseDecision(ctx => new(ctx.Message.Approver, "reject")));

        // Late or repeated messages of the machinery itself: nothing to do.
        During([AwaitingApproval, Applied, Rejected, Failed, Expired, Refused, Shadowed], Ignore(BatchDecided));
        During([Applying, Applied, Rejected, Failed, Expired, Refused, Shadowed], Ignore(ExpiryDue));
        During([AwaitingApproval, HeldForBulkReview, Applied, Rejected, Failed, Expired, Refused, Shadowed], Ignore(RedriveDue));
        During([AwaitingApproval, HeldForBulkReview, Applied, Rejected, Failed, Expired, Refused, Shadowed],
            Ignore(CrmApplied), Ignore(CrmFailed), Ignore(CrmFaulted));
    }

    /// <summary>The transitions after <see cref="DecideWrite{TMessage}"/>: exactly one of them applies.</summary>
    private EventActivityBinder<WriteApprovalState, T> Route<T>(EventActivityBinder<WriteApprovalState, T> binder) where T : class =>
        binder
            .If(ctx => ctx.RouteOf() == WriteRoute.Refused, b => b.TransitionTo(Refused))
            .If(ctx => ctx.RouteOf() == WriteRoute.BulkHeld, b => b.TransitionTo(HeldForBulkReview))
            .If(ctx => ctx.RouteOf() == WriteRoute.AutoApproved, b => b.StartApplying().TransitionTo(Applying))
            .If(ctx => ctx.RouteOf() == WriteRoute.Held, b => b.TransitionTo(AwaitingApproval))
            .If(ctx => ctx.RouteOf() == WriteRoute.Shadowed, b => b.TransitionTo(Shadowed));

    /// <summary>After the write leaves Applying: the proposal kept meanwhile, if any, opens the next generation.</summary>
    private EventActivityBinder<WriteApprovalState, T> QueuedGeneration<T>(EventActivityBinder<WriteApprovalState, T> binder) where T : class =>
        binder.If(ctx => ctx.Saga.NextProposal is not null, NextGeneration);

    /// <summary>A proposal of a newer ticket version opens the write's next generation, decided like a new one.</summary>
    private EventActivityBinder<WriteApprovalState, T> NextGeneration<T>(EventActivityBinder<WriteApprovalState, T> binder) where T : class =>
        Route(binder.Activity(x => x.OfType<OpenGeneration<T>>()).Activity(x => x.OfType<DecideWrite<T>>()));
}
