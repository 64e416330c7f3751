using MassTransit;
using MassTransit.Context;
using MassTransit.DependencyInjection;
using MassTransit.Middleware;

namespace Agents.Sagas.Postgres;

/// <summary>
/// Runs a message through a state machine saga in process, as its endpoint would (the event's correlation, the saga
/// repository of the consumer's scope, the machine's behaviour), for a consumer that handles several such messages in
/// one <see cref="SagaBatchTransaction"/>. Not the endpoint's pipe: that also holds the message's partition filter,
/// and waiting for a partition while this transaction holds row locks could wait forever on a message that waits
/// for those locks. <c>around</c>: filters each message passes first, as the endpoint's consume filters
/// would wrap it (the service's log scope naming the message's ticket and write).
/// </summary>
public sealed class StateMachineDispatch<TInstance, TMessage>
    where TInstance : class, SagaStateMachineInstance
    where TMessage : class
{
    private readonly IPipe<ConsumeContext<TMessage>> _pipe;

    public StateMachineDispatch(SagaStateMachine<TInstance> machine, IBusRegistrationContext registration,
        IEnumerable<IFilter<ConsumeContext<TMessage>>> around)
    {
        var correlation = machine.Correlations.OfType<EventCorrelation<TInstance, TMessage>>().SingleOrDefault()
            ?? throw new InvalidOperationException($"{machine.GetType().Name} has no event of {typeof(TMessage).Name}.");
        var behaviour = Pipe.New<SagaConsumeContext<TInstance, TMessage>>(p =>
            p.UseFilter(new StateMachineSagaMessageFilter<TInstance, TMessage>(machine, correlation.Event)));
        // The repository resolves its context factory from the scope the consume context carries: the consumer's.
        var saga = correlation.FilterFactory(new DependencyInjectionSagaRepository<TInstance>(registration), correlation.Policy, behaviour);
        _pipe = Pipe.New<ConsumeContext<TMessage>>(p =>
        {
            foreach (var filter in around)
                p.UseFilter(filter);
            if (correlation.MessageFilter is { } correlate)
                p.UseFilter(correlate);
            p.UseFilter(saga);
        });
    }

    /// <summary>Handles <paramref name="message"/> as if it had arrived in <paramref name="context"/>'s place (same headers and scope).</summary>
    public Task SendAsync(ConsumeContext context, TMessage message) => _pipe.Send(new MessageConsumeContext<TMessage>(context, message));
}
