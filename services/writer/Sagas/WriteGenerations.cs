using Agents.Contracts;
using MassTransit;

namespace Agents.Writer.Sagas;

/// <summary>
/// The write's generations: how a proposal for an existing write relates to it (<see cref="ProposalVersion"/>), what
/// is kept while the write is being applied, and how the next generation starts on the same row.
/// </summary>
public static class WriteGenerations
{
    public static ProposalRelation Relation(this BehaviorContext<WriteApprovalState, ProposeWrite> ctx) => ProposalVersion.Of(ctx.Saga, ctx.Message);

    public static void Duplicate<T>(this BehaviorContext<WriteApprovalState, T> ctx, ProposeWrite message) where T : class
    {
        ctx.Saga.DuplicateCount++;
        ctx.Audit("duplicate", "system", ProposalVersion.Of(ctx.Saga, message) == ProposalRelation.SameContent
            ? $"proposal for a write already {ctx.Saga.CurrentState}"
            : $"other content from a ticket version not newer than {ctx.Saga.TicketUpdatedAt:O}; the write is already {ctx.Saga.CurrentState}");
        ctx.CountProposal("duplicate");
    }

    public static void Stale(this BehaviorContext<WriteApprovalState, ProposeWrite> ctx, string why)
    {
        ctx.Audit("stale", "system", $"proposal from ticket version {ctx.Message.TicketUpdatedAt:O} ignored: {why} ({ctx.Saga.TicketUpdatedAt:O})");
        ctx.CountProposal("stale");
    }

    /// <summary>
    /// A proposal for a write being applied: from a newer ticket version with other content, it is kept as the next
    /// generation, opened once this one is done (a newer one replaces it); anything else is a duplicate.
    /// </summary>
    public static void ProposedWhileApplying(BehaviorContext<WriteApprovalState, ProposeWrite> ctx)
    {
        var saga = ctx.Saga;
        var queued = saga.NextProposal is null ? null : ProposalContent.Proposal(saga.NextProposal);
        if (queued is not null && !ProposalVersion.IsNewer(ctx.Message.TicketUpdatedAt, queued.TicketUpdatedAt))
        {
            ctx.Duplicate(ctx.Message);
            return;
        }
        switch (ctx.Relation())
        {
            case ProposalRelation.Newer:
                saga.NextProposal = ProposalContent.ToJson(ctx.Message);
                ctx.Audit("queued", "system",
                    $"{ProposalContent.ToJson(ctx.Message.Changes)} from ticket version {ctx.Message.TicketUpdatedAt:O} waits for this write to be applied");
                ctx.CountProposal("queued");
                return;
            case ProposalRelation.SameContent when queued is not null:
                // The newest version agrees with what is being applied: what was queued is out of date.
                saga.NextProposal = null;
                break;
        }
        ctx.Duplicate(ctx.Message);
    }

    /// <summary>The proposal kept while the write was being applied, taken out of the write to open the next generation.</summary>
    public static ProposeWrite TakeQueued(this WriteApprovalState saga)
    {
        var proposal = ProposalContent.Proposal(saga.NextProposal!);
        saga.NextProposal = null;
        return proposal;
    }

    /// <summary>
    /// The write's next generation, on its own row (the key and its row lock stay what races are settled by): the
    /// decision, the outcome and the counters of the last generation are reset, the audit keeps them. The apply
    /// attempt keeps counting, so no copy of an earlier generation's ApplyWrite can apply; the CRM-side key carries
    /// the generation, so this one reaches the CRM once too. <see cref="Activities.DecideWrite{TMessage}"/> decides it next.
    /// </summary>
    public static void OpenGeneration<T>(this BehaviorContext<WriteApprovalState, T> ctx, ProposeWrite proposal) where T : class
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
        ctx.Hold(proposal);
        ctx.Audit("generation", "system", $"generation {saga.Generation} from ticket version {proposal.TicketUpdatedAt:O}; generation {saga.Generation - 1} ended {ended}");
        ctx.Audit("proposed", "system", $"{proposal.Kind} {ProposalContent.ToJson(proposal.Changes)}");
    }
}
