using Agents.Contracts;
using Agents.Sagas.Postgres;
using Agents.Writer.BulkGuard;
using Agents.Writer.Crm;
using Agents.Writer.Persistence;
using Agents.Writer.Policy;
using Agents.Writer.Shadow;
using MassTransit;
using Microsoft.Extensions.Options;

namespace Agents.Writer.Sagas.Activities;

/// <summary>
/// Decides a new proposal (or a new generation) and leaves the <see cref="WriteRoute"/> the state machine follows.
/// Policy first (a refused kind never reaches a person), then the CRM route (a write with nowhere to go, or only
/// to another vendor's record, never reaches a person either), then the bulk guard (it holds even writes the
/// policy would auto-approve), then auto-approval. A kind in shadow mode passes all of these like any other
/// (refused where it would be refused, held where it would be held) and ends Shadowed instead of being approved or
/// shown to a person: switching it to approve changes nothing else.
/// </summary>
public class DecideWrite<TMessage>(WritePolicy policy, CrmRoutes routes, BulkGuardService guard, OpenBatchReadAhead readAhead, BulkHold bulkHold,
    WriterDbContext db, WriteAudit audit, WriteCounts counts, AfterCommit afterCommit, IOptions<WriterOptions> options,
    ILogger<WriteApprovalStateMachine> logger) :
    IStateMachineActivity<WriteApprovalState, TMessage>
    where TMessage : class
{
    /// <summary>
    /// A new proposal starts its approval clock, passes the bulk guard and is counted; a write released from a batch
    /// (<see cref="DecideReleasedWrite"/>) has done all of that already.
    /// </summary>
    protected virtual bool NewProposal => true;

    public async Task Execute(BehaviorContext<WriteApprovalState, TMessage> context, IBehavior<WriteApprovalState, TMessage> next)
    {
        if (NewProposal)
            context.Saga.ExpiresAt = context.Saga.ProposedAt + options.Value.ApprovalTimeout;
        context.SetRoute(await DecideAsync(context));
        await next.Execute(context);
    }

    private async Task<WriteRoute> DecideAsync(BehaviorContext<WriteApprovalState, TMessage> ctx)
    {
        var saga = ctx.Saga;
        if (saga.RecordCount < 1)
        {
            // A write touches at least the record it names: a count below that is a producer's bug, and the bulk
            // guard could not judge the write by it.
            return Refuse(ctx, "system", $"record count {saga.RecordCount}: a proposal must say how many records it touches (at least 1)");
        }
        var decision = policy.Evaluate(saga.Kind, saga.Confidence);
        if (decision.Verdict == PolicyVerdict.Refused)
            return Refuse(ctx, "policy", decision.Reason);
        var route = routes.For(saga.Source, saga.Kind, saga.ExternalId);
        if (route.Adapter is null)
            return Refuse(ctx, "system", route.Refusal!);
        saga.Adapter = route.Adapter.Name;
        if (NewProposal && await guard.ReasonToHoldAsync(db, saga.Source, saga.Kind, saga.RecordCount,
                readAhead.BatchIsOpen(saga.Source, saga.Kind), ctx.CancellationToken) is { } reason)
        {
            await bulkHold.JoinAsync(ctx, reason);
            return WriteRoute.BulkHeld;
        }
        if (decision.Verdict == PolicyVerdict.Shadowed)
        {
            Decide(ctx, "policy", decision.Reason);
            audit.Add(saga, "shadowed", "policy", decision.Reason);
            db.ShadowProposals.Add(ShadowProposal.Of(saga));
            if (NewProposal)
                counts.Proposal("shadowed");
            return WriteRoute.Shadowed;
        }
        if (decision.Verdict == PolicyVerdict.AutoApproved)
        {
            Decide(ctx, "policy", decision.Reason);
            audit.Add(saga, "approved", "policy", decision.Reason);
            if (NewProposal)
                counts.Proposal("auto_approved");
            return WriteRoute.AutoApproved;
        }
        if (NewProposal)
            counts.Proposal("held");
        // The one line per write held, so as short as it can be read: a drafted note made it three per ticket, and
        // the shipped logs stay within 500 bytes a ticket (ShippedLogVolumeTests); the category names the approval.
        // Written once the hold commits, as it is counted: an attempt that rolls back (a copy that lost the insert race
        // to another writer, a deadlock) is retried, and said "Held" for a write it never held.
        var key = saga.IdempotencyKey;
        afterCommit.AddHere(() => logger.LogInformation("Held {IdempotencyKey}", key));
        return WriteRoute.Held;
    }

    private WriteRoute Refuse(BehaviorContext<WriteApprovalState, TMessage> ctx, string actor, string reason)
    {
        Decide(ctx, actor, reason);
        audit.Add(ctx.Saga, "refused", actor, reason);
        counts.Proposal("refused");
        var key = ctx.Saga.IdempotencyKey;
        afterCommit.AddHere(() => logger.LogWarning("Write {IdempotencyKey} refused: {Reason}", key, reason));
        return WriteRoute.Refused;
    }

    private void Decide(BehaviorContext<WriteApprovalState, TMessage> ctx, string actor, string reason)
    {
        ctx.Decide(actor, reason, ctx.Now());
        counts.Decision(ctx.Saga);
    }

    public Task Faulted<TException>(BehaviorExceptionContext<WriteApprovalState, TMessage, TException> context,
        IBehavior<WriteApprovalState, TMessage> next) where TException : Exception => next.Faulted(context);

    public void Probe(ProbeContext context) => context.CreateScope("decide-write");

    public void Accept(StateMachineVisitor visitor) => visitor.Visit(this);
}

/// <summary>A write a person released from its batch: decided like a new one, without the guard that held it.</summary>
public sealed class DecideReleasedWrite(WritePolicy policy, CrmRoutes routes, BulkGuardService guard, OpenBatchReadAhead readAhead, BulkHold bulkHold,
    WriterDbContext db, WriteAudit audit, WriteCounts counts, AfterCommit afterCommit, IOptions<WriterOptions> options,
    ILogger<WriteApprovalStateMachine> logger) :
    DecideWrite<BatchWriteDecided>(policy, routes, guard, readAhead, bulkHold, db, audit, counts, afterCommit, options, logger)
{
    protected override bool NewProposal => false;
}
