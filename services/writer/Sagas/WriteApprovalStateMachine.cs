using Agents.Contracts;
using Agents.Writer.BulkGuard;
using Agents.Writer.Crm;
using Agents.Writer.Policy;
using Agents.Writer.Shadow;
using Agents.Writer.Telemetry;
using MassTransit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

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
/// </summary>
public sealed partial class WriteApprovalStateMachine : MassTransitStateMachine<WriteApprovalState>
{
    private readonly WritePolicy _policy;
    private readonly CrmRoutes _routes;
    private readonly BulkGuardService _guard;
    private readonly WriterMetrics _metrics;
    private readonly ILogger<WriteApprovalStateMachine> _logger;
    private readonly TimeSpan _approvalTimeout;

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

    public WriteApprovalStateMachine(IOptions<WriterOptions> options, WritePolicy policy, CrmRoutes routes, BulkGuardService guard,
        WriterMetrics metrics, ILogger<WriteApprovalStateMachine> logger)
    {
        _policy = policy;
        _routes = routes;
        _guard = guard;
        _metrics = metrics;
        _logger = logger;
        var approvalTimeout = _approvalTimeout = options.Value.ApprovalTimeout;
        var giveUpAfter = options.Value.ApplyGiveUpAfter;
        InstanceState(x => x.CurrentState);

        Event(() => Proposed, e => e.CorrelateById(m => m.Message.CorrelationId));
        Event(() => ApprovalReceived, e =>
        {
            e.CorrelateById(m => m.Message.CorrelationId);
            e.OnMissingInstance(m => m.Fault()); // an approval for nothing is a client bug: make it visible
        });
        Event(() => RejectionReceived, e =>
        {
            e.CorrelateById(m => m.Message.CorrelationId);
            e.OnMissingInstance(m => m.Fault());
        });
        Event(() => BatchDecided, e => e.CorrelateById(m => m.Message.CorrelationId));
        Event(() => ExpiryDue, e => e.CorrelateById(m => m.Message.CorrelationId));
        Event(() => CrmApplied, e => e.CorrelateById(m => m.Message.CorrelationId));
        Event(() => CrmFailed, e => e.CorrelateById(m => m.Message.CorrelationId));
        Event(() => CrmFaulted, e => e.CorrelateById(m => m.Message.Message.CorrelationId));
        Event(() => RedriveDue, e => e.CorrelateById(m => m.Message.CorrelationId));

        Initially(
            Route(When(Proposed)
                .ThenAsync(async ctx =>
                {
                    Hold(ctx.Saga, ctx.Message);
                    ctx.Saga.ExpiresAt = ctx.Saga.ProposedAt + approvalTimeout;
                    ctx.Audit("proposed", "system", $"{ctx.Message.Kind} {ProposalContent.ToJson(ctx.Message.Changes)}");
                    await DecideAsync(ctx, applyBulkGuard: true, newProposal: true);
                })));

        // Where an activity changes what another filter would read (the content, the generation), one When per event
        // branches inside: MassTransit runs every filtered When of an event in turn, so a second filter would see the
        // write as the first one left it. The other filtered Whens below only read what their activities leave alone.
        During([AwaitingApproval, HeldForBulkReview],
            When(Proposed)
                .IfElse(ctx => Relation(ctx) == ProposalRelation.SameContent,
                    same => same.Then(ctx =>
                    {
                        ctx.Saga.DuplicateCount++;
                        ctx.Saga.TicketUpdatedAt = ProposalVersion.Newest(ctx.Message.TicketUpdatedAt, ctx.Saga.TicketUpdatedAt);
                        CountProposal(ctx, "duplicate");
                    }),
                    other => other.IfElse(ctx => Relation(ctx) == ProposalRelation.Older,
                        older => older.Then(ctx => Stale(ctx, "the write holds a proposal from a newer version")),
                        newer => newer.ThenAsync(async ctx =>
                            {
                                var previous = ctx.Saga.Changes;
                                Hold(ctx.Saga, ctx.Message);
                                ctx.Saga.SupersededCount++;
                                ctx.Audit("superseded", "system", $"was {previous}, now {ctx.Saga.Changes}");
                                CountProposal(ctx, "superseded");
                                // A new version may touch more records than the guard allows: it is not let through unseen.
                                if (ctx.Saga.CurrentState == nameof(AwaitingApproval) && _guard.RecordLimitReason(ctx.Saga.RecordCount) is { } reason)
                                {
                                    await HoldInBatchAsync(ctx, reason);
                                    SetRoute(ctx, Outcome.BulkHeld);
                                }
                            })
                            .If(ctx => RouteOf(ctx) == Outcome.BulkHeld, held => held.TransitionTo(HeldForBulkReview)))),
            When(ExpiryDue, ctx => ctx.Saga.ExpiresAt <= DateTimeOffset.UtcNow)
                .Then(ctx =>
                {
                    ctx.Saga.UpdatedAt = DateTimeOffset.UtcNow;
                    ctx.Audit("expired", "system", $"no decision by {ctx.Saga.ExpiresAt:O}");
                    _logger.LogInformation("Write {IdempotencyKey} expired without a decision", ctx.Saga.IdempotencyKey);
                })
                .TransitionTo(Expired));

        // A decision names the version it was taken on: one taken on a version superseded since is refused, audited
        // with the version it named, and the write waits for a decision on what it says now.
        During(AwaitingApproval,
            When(ApprovalReceived, ctx => ctx.Message.ContentHash == ctx.Saga.ContentHash && ApproverEdits.Refusal(ctx.Saga, ctx.Message) is null)
                .Then(ctx =>
                {
                    Decide(ctx, ctx.Message.Approver, ctx.Message.Reason, ctx.Message.DecidedAt);
                    if (ctx.Message.EditedChanges is { } edited)
                    {
                        ctx.Audit("edited", ctx.Message.Approver, ApproverEdits.Detail(ctx.Saga.Changes, edited), ctx.Message.EditedContentHash);
                        ctx.Saga.Changes = ProposalContent.ToJson(edited);
                    }
                    ctx.Audit("approved", ctx.Message.Approver, ctx.Message.Reason, ctx.Message.EditedContentHash ?? ctx.Message.ContentHash);
                    StartAttempt(ctx.Saga);
                })
                .Publish(ctx => ApplyWriteFor(ctx.Saga))
                .TransitionTo(Applying),
            When(ApprovalReceived, ctx => ctx.Message.ContentHash == ctx.Saga.ContentHash && ApproverEdits.Refusal(ctx.Saga, ctx.Message) is not null)
                .Then(ctx =>
                {
                    ctx.Audit("refused", ctx.Message.Approver, $"approve refused: {ApproverEdits.Refusal(ctx.Saga, ctx.Message)}; nothing done",
                        ctx.Message.EditedContentHash);
                    _logger.LogWarning("Approval by {Approver} refused for write {IdempotencyKey}: its edits are not allowed",
                        ctx.Message.Approver, ctx.Saga.IdempotencyKey);
                }),
            When(ApprovalReceived, ctx => ctx.Message.ContentHash != ctx.Saga.ContentHash)
                .Then(ctx => RefuseStaleDecision(ctx, ctx.Message.Approver, "approve", ctx.Message.ContentHash)),
            When(RejectionReceived, ctx => ctx.Message.ContentHash is null || ctx.Message.ContentHash == ctx.Saga.ContentHash)
                .Then(ctx =>
                {
                    Decide(ctx, ctx.Message.Approver, ctx.Message.Reason, ctx.Message.DecidedAt);
                    ctx.Audit("rejected", ctx.Message.Approver, ctx.Message.Reason, ctx.Saga.ContentHash);
                })
                .TransitionTo(Rejected),
            When(RejectionReceived, ctx => ctx.Message.ContentHash is not null && ctx.Message.ContentHash != ctx.Saga.ContentHash)
                .Then(ctx => RefuseStaleDecision(ctx, ctx.Message.Approver, "reject", ctx.Message.ContentHash)));

        // Held writes are decided as a batch only: one-by-one approval is what the guard exists to stop.
        During(HeldForBulkReview,
            When(ApprovalReceived).Then(ctx => RefuseDecision(ctx, ctx.Message.Approver, "approve")),
            When(RejectionReceived).Then(ctx => RefuseDecision(ctx, ctx.Message.Approver, "reject")),
            Route(When(BatchDecided, ctx => ctx.Message.BatchId == ctx.Saga.BatchId && ctx.Message.Released && ctx.Message.ContentHash == ctx.Saga.ContentHash)
                .ThenAsync(async ctx =>
                {
                    ctx.Audit("released", ctx.Message.Approver, $"batch {ctx.Message.BatchId}: {ctx.Message.Reason}", ctx.Message.ContentHash);
                    await DecideAsync(ctx, applyBulkGuard: false, newProposal: false);
                })),
            // Changed after the approver looked at the batch: it goes back before a person, in the open batch of its kind.
            When(BatchDecided, ctx => ctx.Message.BatchId == ctx.Saga.BatchId && ctx.Message.Released && ctx.Message.ContentHash != ctx.Saga.ContentHash)
                .ThenAsync(async ctx =>
                {
                    RefuseStaleDecision(ctx, ctx.Message.Approver, $"release (batch {ctx.Message.BatchId})", ctx.Message.ContentHash);
                    await HoldInBatchAsync(ctx, $"changed after batch {ctx.Message.BatchId} was released");
                }),
            When(BatchDecided, ctx => ctx.Message.BatchId == ctx.Saga.BatchId && !ctx.Message.Released)
                .Then(ctx =>
                {
                    Decide(ctx, ctx.Message.Approver, ctx.Message.Reason, ctx.Message.DecidedAt);
                    ctx.Audit("rejected", ctx.Message.Approver, $"batch {ctx.Message.BatchId}: {ctx.Message.Reason}");
                })
                .TransitionTo(Rejected));

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
                    ctx.Saga.UpdatedAt = DateTimeOffset.UtcNow;
                    ctx.Audit("applied", "system", ctx.Message.Adapter);
                })
                .TransitionTo(Applied)),
            QueuedGeneration(When(CrmFailed, ctx => ctx.Message.Attempt == ctx.Saga.ApplyAttempt && ctx.Message.Permanent)
                .Then(ctx => Fail(ctx, ctx.Message.Reason))
                .TransitionTo(Failed)),
            When(CrmFailed, ctx => ctx.Message.Attempt == ctx.Saga.ApplyAttempt && !ctx.Message.Permanent)
                .Then(ctx => EndAttempt(ctx, "apply_deferred", ctx.Message.Reason)),
            When(CrmFaulted, ctx => ctx.Message.Message.Attempt == ctx.Saga.ApplyAttempt)
                .Then(ctx => EndAttempt(ctx, "apply_faulted", string.Join("; ", ctx.Message.Exceptions.Select(e => e.Message)))),
            QueuedGeneration(When(RedriveDue, ctx => ctx.Message.Attempt == ctx.Saga.ApplyAttempt && DecidedLongAgo(ctx.Saga, giveUpAfter))
                .Then(ctx => Fail(ctx, $"not applied within {giveUpAfter} of its decision; last: {ctx.Saga.FailureReason ?? "no answer from the CRM adapter"}"))
                .TransitionTo(Failed)),
            When(RedriveDue, ctx => ctx.Message.Attempt == ctx.Saga.ApplyAttempt && !DecidedLongAgo(ctx.Saga, giveUpAfter))
                .Then(ctx =>
                {
                    ctx.Saga.ApplyRequestedAt = DateTimeOffset.UtcNow;
                    ctx.Audit("redriven", "system", $"attempt {ctx.Saga.ApplyAttempt} sent again" +
                        (ctx.Saga.FailureReason is { } last ? $"; last: {last}" : "; its ApplyWrite was not answered"));
                })
                .Publish(ctx => ApplyWriteFor(ctx.Saga)));

        // Past the decision every further copy of the proposal is a duplicate: counted, audited, nothing else. Not
        // even in Applying: a second ApplyWrite would be a second CRM call. An ApplyWrite lost with an instance that
        // died between committing the decision and publishing is the re-drive sweeper's to send again.
        During(Applying, When(Proposed).Then(ProposedWhileApplying));
        During([Applied, Rejected, Failed, Expired, Refused, Shadowed],
            When(Proposed)
                .IfElse(ctx => Relation(ctx) == ProposalRelation.Newer,
                    newer => Route(newer.ThenAsync(ctx => OpenGenerationAsync(ctx, ctx.Message))),
                    other => other.Then(ctx => Duplicate(ctx, ctx.Message))));

        // Approving twice is harmless (nothing is sent again), so is rejecting twice; any other decision on a closed
        // write is refused and audited (the API answers 409 before publishing; this covers clients on the bus).
        During([Applying, Applied], Ignore(ApprovalReceived));
        During(Rejected, Ignore(RejectionReceived));
        During([Rejected, Failed, Expired, Refused, Shadowed],
            When(ApprovalReceived).Then(ctx => RefuseDecision(ctx, ctx.Message.Approver, "approve")));
        During([Applying, Applied, Failed, Expired, Refused, Shadowed],
            When(RejectionReceived).Then(ctx => RefuseDecision(ctx, ctx.Message.Approver, "reject")));

        // Late or repeated messages of the machinery itself: nothing to do.
        During([AwaitingApproval, Applying, Applied, Rejected, Failed, Expired, Refused, Shadowed], Ignore(BatchDecided));
        During([Applying, Applied, Rejected, Failed, Expired, Refused, Shadowed], Ignore(ExpiryDue));
        During([AwaitingApproval, HeldForBulkReview, Applied, Rejected, Failed, Expired, Refused, Shadowed], Ignore(RedriveDue));
        During([AwaitingApproval, HeldForBulkReview, Applied, Rejected, Failed, Expired, Refused, Shadowed],
            Ignore(CrmApplied), Ignore(CrmFailed), Ignore(CrmFaulted));
    }

    private enum Outcome
    {
        None,
        Refused,
        BulkHeld,
        AutoApproved,
        Held,
        Shadowed,
    }

    /// <summary>Carries the decision of <see cref="DecideAsync{T}"/> to the transitions that follow it.</summary>
    private sealed class RouteDecision
    {
        public Outcome Outcome { get; set; }
    }

    /// <summary>The transitions after <see cref="DecideAsync{T}"/>: exactly one of them applies.</summary>
    private EventActivityBinder<WriteApprovalState, T> Route<T>(EventActivityBinder<WriteApprovalState, T> binder)
        where T : class =>
        binder
            .If(ctx => RouteOf(ctx) == Outcome.Refused, b => b.TransitionTo(Refused))
            .If(ctx => RouteOf(ctx) == Outcome.BulkHeld, b => b.TransitionTo(HeldForBulkReview))
            .If(ctx => RouteOf(ctx) == Outcome.AutoApproved, b => b.Then(ctx => StartAttempt(ctx.Saga)).Publish(ctx => ApplyWriteFor(ctx.Saga)).TransitionTo(Applying))
            .If(ctx => RouteOf(ctx) == Outcome.Held, b => b.TransitionTo(AwaitingApproval))
            .If(ctx => RouteOf(ctx) == Outcome.Shadowed, b => b.TransitionTo(Shadowed));

    /// <summary>
    /// Policy first (a refused kind never reaches a person), then the CRM route (a write with nowhere to go, or only
    /// to another vendor's record, never reaches a person either), then the bulk guard (it holds even writes the
    /// policy would auto-approve), then auto-approval. A kind in shadow mode passes all of these like any other
    /// (refused where it would be refused, held where it would be held) and ends Shadowed instead of being approved or
    /// shown to a person: switching it to approve changes nothing else.
    /// </summary>
    private async Task DecideAsync<T>(BehaviorContext<WriteApprovalState, T> ctx, bool applyBulkGuard, bool newProposal)
        where T : class
    {
        var saga = ctx.Saga;
        if (saga.RecordCount < 1)
        {
            // A write touches at least the record it names: a count below that is a producer's bug, and the bulk
            // guard could not judge the write by it.
            Refuse(ctx, "system", $"record count {saga.RecordCount}: a proposal must say how many records it touches (at least 1)");
            return;
        }
        var decision = _policy.Evaluate(saga.Kind, saga.Confidence);
        if (decision.Verdict == PolicyVerdict.Refused)
        {
            Refuse(ctx, "policy", decision.Reason);
            return;
        }
        var route = _routes.For(saga.Source, saga.Kind, saga.ExternalId);
        if (route.Adapter is null)
        {
            Refuse(ctx, "system", route.Refusal!);
            return;
        }
        saga.Adapter = route.Adapter.Name;
        if (applyBulkGuard)
        {
            var db = ctx.WriterDb();
            if (await _guard.ReasonToHoldAsync(db, saga.Source, saga.Kind, saga.RecordCount, ctx.CancellationToken) is { } reason)
            {
                await HoldInBatchAsync(ctx, reason);
                SetRoute(ctx, Outcome.BulkHeld);
                return;
            }
        }
        if (decision.Verdict == PolicyVerdict.Shadowed)
        {
            Decide(ctx, "policy", decision.Reason, DateTimeOffset.UtcNow);
            ctx.Audit("shadowed", "policy", decision.Reason);
            ctx.WriterDb().ShadowProposals.Add(ShadowProposal.Of(saga));
            if (newProposal)
                CountProposal(ctx, "shadowed");
            SetRoute(ctx, Outcome.Shadowed);
            return;
        }
        if (decision.Verdict == PolicyVerdict.AutoApproved)
        {
            Decide(ctx, "policy", decision.Reason, DateTimeOffset.UtcNow);
            ctx.Audit("approved", "policy", decision.Reason);
            if (newProposal)
                CountProposal(ctx, "auto_approved");
            SetRoute(ctx, Outcome.AutoApproved);
            return;
        }
        if (newProposal)
            CountProposal(ctx, "held");
        // The one line per write held, so as short as it can be read: a drafted note made it three per ticket, and
        // the shipped logs stay within 500 bytes a ticket (ShippedLogVolumeTests); the category names the approval.
        _logger.LogInformation("Held {IdempotencyKey}", saga.IdempotencyKey);
        SetRoute(ctx, Outcome.Held);
    }

    private void Refuse<T>(BehaviorContext<WriteApprovalState, T> ctx, string actor, string reason) where T : class
    {
        Decide(ctx, actor, reason, DateTimeOffset.UtcNow);
        ctx.Audit("refused", actor, reason);
        CountProposal(ctx, "refused");
        _logger.LogWarning("Write {IdempotencyKey} refused: {Reason}", ctx.Saga.IdempotencyKey, reason);
        SetRoute(ctx, Outcome.Refused);
    }

    private async Task HoldInBatchAsync<T>(BehaviorContext<WriteApprovalState, T> ctx, string reason) where T : class
    {
        var saga = ctx.Saga;
        var (batchId, opened) = await _guard.JoinBatchAsync(ctx.WriterDb(), saga.Source, saga.Kind, reason, ctx.CancellationToken);
        saga.BatchId = batchId;
        saga.BulkReason = reason;
        ctx.Audit("bulk_held", "system", $"batch {saga.BatchId}: {reason}");
        CountProposal(ctx, "bulk_held");
        if (opened)
            ctx.AfterCommit(() => _metrics.BulkGuardTripped(saga.Kind));
    }

    private static void SetRoute<T>(BehaviorContext<WriteApprovalState, T> ctx, Outcome outcome) where T : class =>
        ctx.GetOrAddPayload(() => new RouteDecision()).Outcome = outcome;

    private static Outcome RouteOf<T>(BehaviorContext<WriteApprovalState, T> ctx) where T : class =>
        ctx.TryGetPayload(out RouteDecision? route) ? route.Outcome : Outcome.None;

    private static void Hold(WriteApprovalState saga, ProposeWrite message)
    {
        var now = DateTimeOffset.UtcNow;
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

    private void Decide<T>(BehaviorContext<WriteApprovalState, T> ctx, string approver, string? reason, DateTimeOffset decidedAt)
        where T : class
    {
        var saga = ctx.Saga;
        saga.DecidedBy = approver;
        saga.DecisionReason = reason;
        saga.DecidedAt = decidedAt == default ? DateTimeOffset.UtcNow : decidedAt;
        saga.UpdatedAt = DateTimeOffset.UtcNow;
        var waited = saga.DecidedAt.Value - saga.ProposedAt;
        ctx.AfterCommit(() => _metrics.Decided(waited));
    }

    // Counted once the transaction commits: a first copy that loses the race to another writer is not counted twice.
    private void CountProposal<T>(BehaviorContext<WriteApprovalState, T> ctx, string outcome) where T : class =>
        ctx.AfterCommit(() => _metrics.Proposal(outcome));

    private void RefuseDecision<T>(BehaviorContext<WriteApprovalState, T> ctx, string approver, string verb) where T : class
    {
        var where = ctx.Saga.CurrentState == nameof(HeldForBulkReview)
            ? $"held for bulk review in batch {ctx.Saga.BatchId}: decide the batch"
            : $"already {ctx.Saga.CurrentState}";
        ctx.Audit("refused", approver, $"{verb} on a write {where}");
        _logger.LogWarning("{Verb} by {Approver} refused for write {IdempotencyKey}: {State}", verb, approver, ctx.Saga.IdempotencyKey, ctx.Saga.CurrentState);
    }

    private void RefuseStaleDecision<T>(BehaviorContext<WriteApprovalState, T> ctx, string approver, string verb, string? named)
        where T : class
    {
        var detail = named is null
            ? $"{verb} names no version of the write: nothing done"
            : $"{verb} of version {WriteContent.Short(named)} refused: the write is now {WriteContent.Short(ctx.Saga.ContentHash)} (changed since it was seen); nothing done";
        ctx.Audit("refused", approver, detail, named);
        _logger.LogWarning("{Verb} by {Approver} refused for write {IdempotencyKey}: it changed since it was seen", verb, approver, ctx.Saga.IdempotencyKey);
    }

    private static void Fail<T>(BehaviorContext<WriteApprovalState, T> ctx, string reason) where T : class
    {
        ctx.Saga.FailureReason = reason;
        ctx.Saga.UpdatedAt = DateTimeOffset.UtcNow;
        ctx.Audit("failed", "system", reason);
    }
}
