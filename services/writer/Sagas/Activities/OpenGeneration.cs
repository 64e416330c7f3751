using Agents.Contracts;
using MassTransit;

namespace Agents.Writer.Sagas.Activities;

/// <summary>
/// The write's next generation, on its own row (the key and its row lock stay what races are settled by), from a
/// proposal of a newer ticket version: the message, or the one kept while the write was being applied. The decision,
/// the outcome and the counters of the last generation are reset, the audit keeps them. The apply attempt keeps
/// counting, so no copy of an earlier generation's ApplyWrite can apply; the CRM-side key carries the generation, so
/// this one reaches the CRM once too. <see cref="DecideWrite{TMessage}"/> decides it next.
/// </summary>
public sealed class OpenGeneration<TMessage>(WriteAudit audit) : IStateMachineActivity<WriteApprovalState, TMessage>
    where TMessage : class
{
    public async Task Execute(BehaviorContext<WriteApprovalState, TMessage> context, IBehavior<WriteApprovalState, TMessage> next)
    {
        var saga = context.Saga;
        var proposal = context.Message as ProposeWrite ?? saga.TakeQueued();
        var ended = saga.CurrentState;
        saga.Generation++;
        saga.DecidedBy = saga.DecisionReason = saga.FailureReason = saga.BulkReason = saga.Adapter = null;
        saga.DecidedAt = saga.AppliedAt = null;
        saga.BatchId = null;
        saga.DuplicateCount = saga.SupersededCount = 0;
        saga.ProposedAt = default;
        saga.TicketUpdatedAt = null;
        saga.TraceParent = null;
        context.Hold(proposal);
        audit.Add(saga, "generation", "system",
            $"generation {saga.Generation} from ticket version {proposal.TicketUpdatedAt:O}; generation {saga.Generation - 1} ended {ended}");
        audit.Add(saga, "proposed", "system", $"{proposal.Kind} {ProposalContent.ToJson(proposal.Changes)}");
        await next.Execute(context);
    }

    public Task Faulted<TException>(BehaviorExceptionContext<WriteApprovalState, TMessage, TException> context,
        IBehavior<WriteApprovalState, TMessage> next) where TException : Exception => next.Faulted(context);

    public void Probe(ProbeContext context) => context.CreateScope("open-generation");

    public void Accept(StateMachineVisitor visitor) => visitor.Visit(this);
}
