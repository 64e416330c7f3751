using MassTransit;

namespace Agents.Writer.Sagas.Activities;

/// <summary>
/// One audit row, described by the state machine (the action, and who and what from the message and the write) and
/// written per message through the scope's <see cref="WriteAudit"/>: in the saga's transaction.
/// </summary>
public sealed class AuditActivity<TMessage>(string action, Func<BehaviorContext<WriteApprovalState, TMessage>, AuditNote> note) :
    IStateMachineActivity<WriteApprovalState, TMessage>
    where TMessage : class
{
    public async Task Execute(BehaviorContext<WriteApprovalState, TMessage> context, IBehavior<WriteApprovalState, TMessage> next)
    {
        context.GetServiceOrCreateInstance<WriteAudit>().Add(context.Saga, action, note(context));
        await next.Execute(context);
    }

    public Task Faulted<TException>(BehaviorExceptionContext<WriteApprovalState, TMessage, TException> context,
        IBehavior<WriteApprovalState, TMessage> next) where TException : Exception => next.Faulted(context);

    public void Probe(ProbeContext context) => context.CreateScope("audit").Add("action", action);

    public void Accept(StateMachineVisitor visitor) => visitor.Visit(this);
}

/// <summary>
/// A metric of the saga, counted per message through the scope's <see cref="WriteCounts"/>: once the saga's
/// transaction commits.
/// </summary>
public sealed class CountActivity<TMessage>(string name, Action<WriteCounts, WriteApprovalState> count) :
    IStateMachineActivity<WriteApprovalState, TMessage>
    where TMessage : class
{
    public async Task Execute(BehaviorContext<WriteApprovalState, TMessage> context, IBehavior<WriteApprovalState, TMessage> next)
    {
        count(context.GetServiceOrCreateInstance<WriteCounts>(), context.Saga);
        await next.Execute(context);
    }

    public Task Faulted<TException>(BehaviorExceptionContext<WriteApprovalState, TMessage, TException> context,
        IBehavior<WriteApprovalState, TMessage> next) where TException : Exception => next.Faulted(context);

    public void Probe(ProbeContext context) => context.CreateScope("count").Add("metric", name);

    public void Accept(StateMachineVisitor visitor) => visitor.Visit(this);
}

/// <summary>How the state machine adds an audit row or a metric as a step of a transition.</summary>
public static class RecordSteps
{
    public static EventActivityBinder<WriteApprovalState, T> Audit<T>(this EventActivityBinder<WriteApprovalState, T> binder,
        string action, Func<BehaviorContext<WriteApprovalState, T>, AuditNote> note) where T : class =>
        binder.Add(new AuditActivity<T>(action, note));

    /// <summary>Counts the proposal's <paramref name="outcome"/> (agents.writer.proposals).</summary>
    public static EventActivityBinder<WriteApprovalState, T> Count<T>(this EventActivityBinder<WriteApprovalState, T> binder, string outcome)
        where T : class =>
        binder.Add(new CountActivity<T>(outcome, (counts, _) => counts.Proposal(outcome)));

    /// <summary>Counts how long the decision just taken waited (agents.writer.approval.duration).</summary>
    public static EventActivityBinder<WriteApprovalState, T> CountDecision<T>(this EventActivityBinder<WriteApprovalState, T> binder)
        where T : class =>
        binder.Add(new CountActivity<T>("decision", (counts, saga) => counts.Decision(saga)));
}
