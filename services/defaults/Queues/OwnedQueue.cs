using Agents.ServiceDefaults.Redelivery;
using RabbitMQ.Client;

namespace Agents.ServiceDefaults.Queues;

/// <summary>How a message reaches a queue: an exchange (declared durable, of its type) and the binding's routing key.</summary>
public sealed record QueueBinding(string Exchange, string ExchangeType, string RoutingKey);

/// <summary>
/// A queue we own, as declared: its arguments and every binding that leads to it (MassTransit's layout: a fanout
/// exchange of the same name). Nothing reaches it but through these (no one publishes to it through the default
/// exchange), so moving them to another queue stops all arrivals, which is what lets <see cref="QueueMigration"/>
/// empty it for good before deleting it. <paramref name="Feeds"/> are exchanges bound to that exchange (not to the
/// queue), so they follow it wherever its bindings go.
/// </summary>
public sealed record OwnedQueue(string Name, Dictionary<string, object?> Arguments, IReadOnlyList<QueueBinding> Bindings,
    IReadOnlyList<QueueBinding> Feeds)
{
    /// <summary>
    /// Where the delay queues dead-letter to (a direct exchange): each endpoint queue is bound with its own name as
    /// routing key, and a waiting message's routing key is the name of the queue it came from.
    /// </summary>
    public const string RedeliveryExchange = "agents-redelivery";

    /// <summary>
    /// An endpoint's queue: MassTransit's exchange of the same name, fed by the way back from the delay queues (which
    /// MassTransit declares too, <see cref="BusRegistration"/>).
    /// </summary>
    public static OwnedQueue Endpoint(RabbitMqOptions options, string queue) => new(queue, QueueArguments.ForEndpoint(options, queue),
        [new QueueBinding(queue, ExchangeType.Fanout, "")], [ReturnFromDelay(queue)]);

    /// <summary>The binding from <see cref="RedeliveryExchange"/> that brings a delayed message back to <paramref name="queue"/>'s exchange.</summary>
    public static QueueBinding ReturnFromDelay(string queue) => new(RedeliveryExchange, ExchangeType.Direct, queue);

    /// <summary>An endpoint's <c>_error</c> queue (MassTransit's exchange of the same name; a poisoned message dead-letters there too).</summary>
    public static OwnedQueue Error(RabbitMqOptions options, string queue) =>
        Fanout(QueueArguments.ErrorQueue(queue), QueueArguments.ForErrorQueue(options, queue));

    /// <summary>An endpoint's <c>_skipped</c> queue (messages no consumer took), laid out like its error queue.</summary>
    public static OwnedQueue Skipped(RabbitMqOptions options, string queue) =>
        Fanout(QueueArguments.SkippedQueue(queue), QueueArguments.ForErrorQueue(options, queue));

    /// <summary>The delay queue of <paramref name="delay"/>; the redelivery publishes to its exchange.</summary>
    public static OwnedQueue Delay(RabbitMqOptions options, TimeSpan delay) =>
        Fanout(RedeliverySchedule.QueueName(delay), QueueArguments.ForDelayQueue(options, delay));

    private static OwnedQueue Fanout(string name, Dictionary<string, object?> arguments) =>
        new(name, arguments, [new QueueBinding(name, ExchangeType.Fanout, "")], []);
}
