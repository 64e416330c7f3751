using Agents.Contracts;
using MassTransit;

namespace Agents.Writer.Sagas.Activities;

/// <summary>
/// An approval of the version the write holds, with edits the approver may make: the decision taken and counted, the
/// edits (if any) applied to the write and audited, the approval audited with the version it approved.
/// </summary>
public sealed class AcceptApproval(WriteAudit audit, WriteCounts counts) : IStateMachineActivity<WriteApprovalState, ApproveWrite>
{
    public async Task Execute(BehaviorContext<WriteApprovalState, ApproveWrite> context, IBehavior<WriteApprovalState, ApproveWrite> next)
    {
        var (saga, message) = (context.Saga, context.Message);
        context.Decide(message.Approver, message.Reason, message.DecidedAt);
        counts.Decision(saga);
        if (message.EditedChanges is { } edited)
        {
            audit.Add(saga, "edited", message.Approver, ApproverEdits.Detail(saga.Changes, edited), message.EditedContentHash);
            saga.Changes = ProposalContent.ToJson(edited);
        }
        audit.Add(saga, "approved", message.Approver, message.Reason, message.EditedContentHash ?? message.ContentHash);
        await next.Execute(context);
    }

    public Task Faulted<TException>(BehaviorExceptionContext<WriteApprovalState, ApproveWrite, TException> context,
        IBehavior<WriteApprovalState, ApproveWrite> next) where TException : Exception => next.Faulted(context);

    public void Probe(ProbeContext context) => context.CreateScope("accept-approval");

    public void Accept(StateMachineVisitor visitor) => visitor.Visit(this);
}
