using Agents.Contracts;
using MassTransit;

namespace Agents.Writer.Sagas;

/// <summary>
/// The write's generations: how a proposal for an existing write relates to it (<see cref="ProposalVersion"/>), what
/// is kept while the write is being applied, and how the next generation starts on the same row.
/// </summary>
public sealed partial class WriteApprovalStateMachine
{
    private static ProposalRelation Relation(BehaviorContext<WriteApprovalState, ProposeWrite> ctx) => ProposalVersion.Of(ctx.Saga, ctx.Message);

    private void Duplicate<T>(BehaviorContext<WriteApprovalState, T> ctx, ProposeWrite message) where T : class
    {
        ctx.Saga.DuplicateCount++;
        ctx.Audit("duplicate", "system", ProposalVersion.Of(ctx.Saga, message) == ProposalRelation.SameContent
            ? $"proposal for a write already {ctx.Saga.CurrentState}"
            : $"other content from a ticket version not newer than {ctx.Saga.TicketUpdatedAt:O}; the write is already {ctx.Saga.CurrentState}");
        CountProposal(ctx, "duplicate");
    }

    private void Stale(BehaviorContext<WriteApprovalState, ProposeWrite> ctx, string why)
    {
        ctx.Audit("stale", "system", $"proposal from ticket version {ctx.Message.TicketUpdatedAt:O} ignored: {why} ({ctx.Saga.TicketUpdatedAt:O})");
        CountProposal(ctx, "stale");
    }

    /// <summary>
    /// A proposal for a write being applied: from a newer ticket version with other content, it is kept as the next
    /// generation, opened once this one is done (a newer one replaces it); anything else is a duplicate.
    /// </summary>
    private void ProposedWhileApplying(BehaviorContext<WriteApprovalState, ProposeWrite> ctx)
    {
        var saga = ctx.Saga;
        var queued = saga.NextProposal is null ? null : ProposalContent.Proposal(saga.NextProposal);
        if (queued is not null && !ProposalVersion.IsNewer(ctx.Message.TicketUpdatedAt, queued.TicketUpdatedAt))
        {
            Duplicate(ctx, ctx.Message);
            return;
        }
        switch (Relation(ctx))
        {
            case ProposalRelation.Newer:
                saga.NextProposal = ProposalContent.ToJson(ctx.Message);
                ctx.Audit("queued", "system",
                    $"{ProposalContent.ToJson(ctx.Message.Changes)} from ticket version {ctx.Message.TicketUpdatedAt:O} waits for this write to be applied");
                CountProposal(ctx, "queued");
                return;
            case ProposalRelation.SameContent when queued is not null:
                // The newest version agrees with what is being applied: what was queued is out of date.
                saga.NextProposal = null;
                break;
        }
        Duplicate(ctx, ctx.Message);
    }

    /// <summary>After the write leaves Applying: the proposal kept meanwhile, if any, opens the next generation.</summary>
    private EventActivityBinder<WriteApprovalState, T> QueuedGeneration<T>(EventActivityBinder<WriteApprovalState, T> binder) where T : class =>
        Route(binder.If(ctx => ctx.Saga.NextProposal is not null, next => next.ThenAsync(ctx =>
        {
            var proposal = ProposalContent.Proposal(ctx.Saga.NextProposal!);
            ctx.Saga.NextProposal = null;
            return OpenGenerationAsync(ctx, proposal);
        })));

    /// <summary>
    /// The write's next generation, on its own row (the key and its row lock stay what races are settled by): the
    /// decision, the outcome and the counters of the last generation are reset, the audit keeps them. The apply
    /// attempt keeps counting, so no copy of an earlier generation's ApplyWrite can apply; the CRM-side key carries
    /// the generation, so this one reaches the CRM once too.
    /// </summary>
    private async Task OpenGenerationAsync<T>(BehaviorContext<WriteApprovalState, T> ctx, ProposeWrite proposal) where T : class
    {
        var saga = ctx.Saga;
        var ended = saga.CurrentState;
        saga.Generation++;
        saga.DecidedBy = saga.DecisionReason = saga.FailureReason = saga.BulkReason = saga.Adapter = null;
        saga.DecidedAt = saga.AppliedAt = null;
        saga.BatchId = null;
        saga.DuplicateCount = saga.SupersededCount = 0;
        saga.ProposedAt = default;
        saga.TicketUpdatedAt = null;
        saga.TraceParent = null;
        Hold(saga, proposal);
        saga.ExpiresAt = saga.ProposedAt + _approvalTimeout;
        ctx.Audit("generation", "system", $"generation {saga.Generation} from ticket version {proposal.TicketUpdatedAt:O}; generation {saga.Generation - 1} ended {ended}");
        ctx.Audit("proposed", "system", $"{proposal.Kind} {ProposalContent.ToJson(proposal.Changes)}");
        await DecideAsync(ctx, applyBulkGuard: true, newProposal: true);
    }
}
