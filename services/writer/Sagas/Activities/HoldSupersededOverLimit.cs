using Agents.Contracts;
using Agents.Writer.BulkGuard;
using MassTransit;

namespace Agents.Writer.Sagas.Activities;

/// <summary>
/// A new version of a pending write may touch more records than the guard allows: it is not let through unseen, but
/// held in a batch (<see cref="WriteRoute.BulkHeld"/>). One already held stays in its batch.
/// </summary>
public sealed class HoldSupersededOverLimit(BulkGuardService guard, BulkHold bulkHold) : IStateMachineActivity<WriteApprovalState, ProposeWrite>
{
    public async Task Execute(BehaviorContext<WriteApprovalState, ProposeWrite> context, IBehavior<WriteApprovalState, ProposeWrite> next)
    {
        if (context.Saga.CurrentState == nameof(WriteApprovalStateMachine.AwaitingApproval)
            && guard.RecordLimitReason(context.Saga.RecordCount) is { } reason)
        {
            await bulkHold.JoinAsync(context, reason);
            context.SetRoute(WriteRoute.BulkHeld);
        }
        await next.Execute(context);
    }

    public Task Faulted<TException>(BehaviorExceptionContext<WriteApprovalState, ProposeWrite, TException> context,
        IBehavior<WriteApprovalState, ProposeWrite> next) where TException : Exception => next.Faulted(context);

    public void Probe(ProbeContext context) => context.CreateScope("hold-superseded-over-limit");

    public void Accept(StateMachineVisitor visitor) => visitor.Visit(this);
}
