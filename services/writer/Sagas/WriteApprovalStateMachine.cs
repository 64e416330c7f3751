using Agents.Contracts;
using MassTransit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Agents.Writer.Sagas;

/// <summary>
/// Holds every proposed CRM write until a person decides, then applies it once.
/// Duplicates: same key and same content → counted, nothing else; same key, new content while pending →
/// supersedes the proposal (audited); anything for a key past approval → recorded as a duplicate, no change.
/// </summary>
public sealed class WriteApprovalStateMachine : MassTransitStateMachine<WriteApprovalState>
{
    public State AwaitingApproval { get; private set; } = null!;
    public State Applying { get; private set; } = null!;
    public State Applied { get; private set; } = null!;
    public State Rejected { get; private set; } = null!;
    public State Failed { get; private set; } = null!;
    public State Expired { get; private set; } = null!;

    public Event<ProposeWrite> Proposed { get; private set; } = null!;
    public Event<ApproveWrite> ApprovalReceived { get; private set; } = null!;
    public Event<RejectWrite> RejectionReceived { get; private set; } = null!;
    public Event<WriteApplied> CrmApplied { get; private set; } = null!;
    public Event<WriteFailed> CrmFailed { get; private set; } = null!;
    public Event<Fault<ApplyWrite>> CrmFaulted { get; private set; } = null!;

    public WriteApprovalStateMachine(IOptions<WriterOptions> options, ILogger<WriteApprovalStateMachine> logger)
    {
        var approvalTimeout = options.Value.ApprovalTimeout;
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
        Event(() => CrmApplied, e => e.CorrelateById(m => m.Message.CorrelationId));
        Event(() => CrmFailed, e => e.CorrelateById(m => m.Message.CorrelationId));
        Event(() => CrmFaulted, e => e.CorrelateById(m => m.Message.Message.CorrelationId));

        Initially(
            When(Proposed)
                .Then(ctx =>
                {
                    Hold(ctx.Saga, ctx.Message);
                    ctx.Saga.ExpiresAt = ctx.Saga.ProposedAt + approvalTimeout;
                    ctx.Audit("proposed", "system", $"{ctx.Message.Kind} {ProposalContent.ToJson(ctx.Message.Changes)}");
                    logger.LogInformation("Write {IdempotencyKey} held for approval", ctx.Message.IdempotencyKey);
                })
                .TransitionTo(AwaitingApproval));

        During(AwaitingApproval,
            When(Proposed)
                .IfElse(ctx => ctx.Saga.ContentHash == ProposalContent.Hash(ctx.Message),
                    same => same.Then(ctx => ctx.Saga.DuplicateCount++),
                    changed => changed.Then(ctx =>
                    {
                        var previous = ctx.Saga.Changes;
                        Hold(ctx.Saga, ctx.Message);
                        ctx.Saga.SupersededCount++;
                        ctx.Audit("superseded", "system", $"was {previous}, now {ctx.Saga.Changes}");
                    })),
            When(ApprovalReceived)
                .Then(ctx =>
                {
                    Decide(ctx.Saga, ctx.Message.Approver, ctx.Message.Reason, ctx.Message.DecidedAt);
                    ctx.Audit("approved", ctx.Message.Approver, ctx.Message.Reason);
                })
                .Publish(ctx => new ApplyWrite
                {
                    CorrelationId = ctx.Saga.CorrelationId,
                    IdempotencyKey = ctx.Saga.IdempotencyKey,
                    Source = ctx.Saga.Source,
                    ExternalId = ctx.Saga.ExternalId,
                    Kind = ctx.Saga.Kind,
                    Changes = ProposalContent.Changes(ctx.Saga.Changes),
                })
                .TransitionTo(Applying),
            When(RejectionReceived)
                .Then(ctx =>
                {
                    Decide(ctx.Saga, ctx.Message.Approver, ctx.Message.Reason, ctx.Message.DecidedAt);
                    ctx.Audit("rejected", ctx.Message.Approver, ctx.Message.Reason);
                })
                .TransitionTo(Rejected));

        During(Applying,
            When(CrmApplied)
                .Then(ctx =>
                {
                    ctx.Saga.Adapter = ctx.Message.Adapter;
                    ctx.Saga.AppliedAt = ctx.Message.AppliedAt;
                    ctx.Saga.UpdatedAt = DateTimeOffset.UtcNow;
                    ctx.Audit("applied", "system", ctx.Message.Adapter);
                })
                .TransitionTo(Applied),
            When(CrmFailed)
                .Then(ctx => Fail(ctx, ctx.Message.Reason))
                .TransitionTo(Failed),
            When(CrmFaulted)
                .Then(ctx => Fail(ctx, string.Join("; ", ctx.Message.Exceptions.Select(e => e.Message))))
                .TransitionTo(Failed));

        // Past the decision every further copy of the proposal is a duplicate: counted, audited, nothing else.
        During([Applying, Applied, Rejected, Failed, Expired],
            When(Proposed).Then(ctx =>
            {
                ctx.Saga.DuplicateCount++;
                ctx.Audit("duplicate", "system", $"proposal for a write already {ctx.Saga.CurrentState}");
            }));

        // Approving twice is harmless; a decision on a closed write is refused (the API answers 409 first).
        During(Applying, Applied, Ignore(ApprovalReceived));
        During([Rejected, Failed, Expired, Applying, Applied],
            When(RejectionReceived).Then(ctx => ctx.Audit("refused", ctx.Message.Approver, $"reject on a write already {ctx.Saga.CurrentState}")));
        During(Rejected, Failed, Expired,
            When(ApprovalReceived).Then(ctx => ctx.Audit("refused", ctx.Message.Approver, $"approve on a write already {ctx.Saga.CurrentState}")));
        During(Applied, Ignore(CrmApplied), Ignore(CrmFailed), Ignore(CrmFaulted));
    }

    private static void Hold(WriteApprovalState saga, ProposeWrite message)
    {
        var now = DateTimeOffset.UtcNow;
        saga.IdempotencyKey = message.IdempotencyKey;
        saga.Source = message.Source;
        saga.ExternalId = message.ExternalId;
        saga.Kind = message.Kind;
        saga.Changes = ProposalContent.ToJson(message.Changes);
        saga.Before = ProposalContent.ToJson(message.Before);
        saga.ContentHash = ProposalContent.Hash(message);
        saga.RecordCount = message.RecordCount;
        saga.Subject = message.Subject;
        saga.Excerpt = message.Excerpt;
        saga.Classification = message.Classification is null ? null : ProposalContent.ToJson(message.Classification);
        if (saga.ProposedAt == default)
            saga.ProposedAt = message.ProposedAt == default ? now : message.ProposedAt;
        saga.UpdatedAt = now;
    }

    private static void Decide(WriteApprovalState saga, string approver, string? reason, DateTimeOffset decidedAt)
    {
        saga.DecidedBy = approver;
        saga.DecisionReason = reason;
        saga.DecidedAt = decidedAt == default ? DateTimeOffset.UtcNow : decidedAt;
        saga.UpdatedAt = DateTimeOffset.UtcNow;
    }

    private static void Fail<T>(SagaConsumeContext<WriteApprovalState, T> ctx, string reason) where T : class
    {
        ctx.Saga.FailureReason = reason;
        ctx.Saga.UpdatedAt = DateTimeOffset.UtcNow;
        ctx.Audit("failed", "system", reason);
    }
}
