using Agents.Contracts;
using MassTransit;

namespace Agents.Writer.Sagas.Activities;

/// <summary>A write changed after the approver looked at its batch goes back before a person, in the open batch of its kind.</summary>
public sealed class HoldChangedAfterRelease(BulkHold bulkHold) : IStateMachineActivity<WriteApprovalState, BatchWriteDecided>
{
    public async Task Execute(BehaviorContext<WriteApprovalState, BatchWriteDecided> context, IBehavior<WriteApprovalState, BatchWriteDecided> next)
    {
        await bulkHold.JoinAsync(context, $"changed after batch {context.Message.BatchId} was released");
        await next.Execute(context);
    }

    public Task Faulted<TException>(BehaviorExceptionContext<WriteApprovalState, BatchWriteDecided, TException> context,
        IBehavior<WriteApprovalState, BatchWriteDecided> next) where TException : Exception => next.Faulted(context);

    public void Probe(ProbeContext context) => context.CreateScope("hold-changed-after-release");

    public void Accept(StateMachineVisitor visitor) => visitor.Visit(this);
}
