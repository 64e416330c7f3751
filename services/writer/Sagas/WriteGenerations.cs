using Agents.Contracts;
using Agents.Writer.Sagas.Activities;
using MassTransit;

namespace Agents.Writer.Sagas;

/// <summary>
/// The write's generations: how a proposal for an existing write relates to it (<see cref="ProposalVersion"/>), what
/// is kept while the write is being applied, and how the next generation starts on the same row
/// (<see cref="OpenGeneration{TMessage}"/>).
/// </summary>
public static class WriteGenerations
{
    public static ProposalRelation Relation(this BehaviorContext<WriteApprovalState, ProposeWrite> ctx) => ProposalVersion.Of(ctx.Saga, ctx.Message);

    /// <summary>A copy of a proposal the write holds or has outgrown: counted, audited, nothing else.</summary>
    public static EventActivityBinder<WriteApprovalState, ProposeWrite> Duplicate(this EventActivityBinder<WriteApprovalState, ProposeWrite> binder) =>
        binder.Then(ctx => ctx.Saga.DuplicateCount++)
            .Audit("duplicate", ctx => AuditNote.System(ctx.Relation() == ProposalRelation.SameContent
                ? $"proposal for a write already {ctx.Saga.CurrentState}"
                : $"other content from a ticket version not newer than {ctx.Saga.TicketUpdatedAt:O}; the write is already {ctx.Saga.CurrentState}"))
            .Count("duplicate");

    /// <summary>A proposal from a ticket version older than the write's: ignored, audited.</summary>
    public static EventActivityBinder<WriteApprovalState, ProposeWrite> Stale(this EventActivityBinder<WriteApprovalState, ProposeWrite> binder, string why) =>
        binder.Audit("stale", ctx => AuditNote.System(
                $"proposal from ticket version {ctx.Message.TicketUpdatedAt:O} ignored: {why} ({ctx.Saga.TicketUpdatedAt:O})"))
            .Count("stale");

    /// <summary>
    /// A proposal for a write being applied: from a newer ticket version with other content (newer than what is queued
    /// already), it is kept as the next generation, opened once this one is done; anything else is a duplicate, and
    /// one from a newer version that agrees with what is being applied drops what was queued (out of date).
    /// </summary>
    public static EventActivityBinder<WriteApprovalState, ProposeWrite> ProposedWhileApplying(this EventActivityBinder<WriteApprovalState, ProposeWrite> binder) =>
        binder.IfElse(ctx => ctx.Relation() == ProposalRelation.Newer && NewerThanQueued(ctx),
            queued => queued.Then(ctx => ctx.Saga.NextProposal = ProposalContent.ToJson(ctx.Message))
                .Audit("queued", ctx => AuditNote.System(
                    $"{ProposalContent.ToJson(ctx.Message.Changes)} from ticket version {ctx.Message.TicketUpdatedAt:O} waits for this write to be applied"))
                .Count("queued"),
            other => other.If(ctx => ctx.Relation() == ProposalRelation.SameContent && ctx.Saga.NextProposal is not null && NewerThanQueued(ctx),
                    outdated => outdated.Then(ctx => ctx.Saga.NextProposal = null))
                .Duplicate());

    private static bool NewerThanQueued(BehaviorContext<WriteApprovalState, ProposeWrite> ctx) =>
        ctx.Saga.NextProposal is not { } queued
        || ProposalVersion.IsNewer(ctx.Message.TicketUpdatedAt, ProposalContent.Proposal(queued).TicketUpdatedAt);

    /// <summary>The proposal kept while the write was being applied, taken out of the write to open the next generation.</summary>
    public static ProposeWrite TakeQueued(this WriteApprovalState saga)
    {
        var proposal = ProposalContent.Proposal(saga.NextProposal!);
        saga.NextProposal = null;
        return proposal;
    }
}
