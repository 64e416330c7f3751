namespace Agents.ServiceDefaults.Queues;

/// <summary>
/// The arguments every queue we own is declared with (<see cref="OwnedQueue"/> adds its bindings), in one place:
/// MassTransit declares the endpoint queues and their <c>_error</c> queues with them, <see cref="QueuePreparation"/>
/// declares the same ones before the bus starts (and recreates a queue whose arguments differ), and the redelivery
/// declares its delay queues with them. The broker refuses a declaration that differs from the queue's, so these three
/// must never disagree.
/// </summary>
public static class QueueArguments
{
    public const string QueueType = "x-queue-type";
    public const string DeliveryLimit = "x-delivery-limit";
    public const string DeadLetterExchange = "x-dead-letter-exchange";
    public const string DeadLetterStrategy = "x-dead-letter-strategy";
    public const string Overflow = "x-overflow";
    public const string MessageTtl = "x-message-ttl";

    /// <summary>
    /// What an <c>_error</c> (or <c>_skipped</c>) queue must not inherit from its endpoint queue (MassTransit copies the
    /// endpoint's arguments): it dead-letters nowhere and has no delivery limit, so looking at its messages (a get and
    /// requeue counts a delivery) can never drop one.
    /// </summary>
    public static readonly IReadOnlyList<string> NotForDeadLetterQueues = [DeliveryLimit, DeadLetterExchange, DeadLetterStrategy, Overflow];

    /// <summary>
    /// An endpoint's queue. Quorum: a message returned unacknowledged more than <see cref="RabbitMqOptions.DeliveryLimit"/>
    /// times (a consumer crashing on it) is dead-lettered to MassTransit's <c>{queue}_error</c> exchange, at least once
    /// (the broker keeps it until the error queue confirms; that mode needs <c>x-overflow: reject-publish</c>).
    /// </summary>
    public static Dictionary<string, object?> ForEndpoint(RabbitMqOptions options, string queue) => options.QueueType switch
    {
        ServiceDefaults.QueueType.Quorum => new()
        {
            [QueueType] = "quorum",
            [DeliveryLimit] = options.DeliveryLimit,
            [DeadLetterExchange] = ErrorQueue(queue),
            [DeadLetterStrategy] = "at-least-once",
            [Overflow] = "reject-publish",
        },
        _ => new() { [QueueType] = "classic" },
    };

    /// <summary>The endpoint's <c>_error</c> queue: its type, nothing that would move or drop what lands there.</summary>
    public static Dictionary<string, object?> ForErrorQueue(RabbitMqOptions options, string queue)
    {
        var arguments = ForEndpoint(options, queue);
        foreach (var key in NotForDeadLetterQueues)
            arguments.Remove(key);
        return arguments;
    }

    /// <summary>
    /// A delay queue: every message waits <paramref name="delay"/>, then the broker dead-letters it to
    /// <see cref="OwnedQueue.RedeliveryExchange"/> with its own routing key, the name of the queue it came from, which
    /// puts it back there. Quorum: at least once, so a message whose queue is missing for a moment (being recreated) is
    /// kept and routed again, not dropped.
    /// </summary>
    public static Dictionary<string, object?> ForDelayQueue(RabbitMqOptions options, TimeSpan delay)
    {
        var milliseconds = checked((int)delay.TotalMilliseconds);
        return options.QueueType switch
        {
            ServiceDefaults.QueueType.Quorum => new()
            {
                [QueueType] = "quorum",
                [MessageTtl] = milliseconds,
                [DeadLetterExchange] = OwnedQueue.RedeliveryExchange,
                [DeadLetterStrategy] = "at-least-once",
                [Overflow] = "reject-publish",
            },
            _ => new() { [QueueType] = "classic", [MessageTtl] = milliseconds, [DeadLetterExchange] = OwnedQueue.RedeliveryExchange },
        };
    }

    /// <summary>Where a queue's messages wait while it is recreated: the same type, nothing that expires or moves them.</summary>
    public static Dictionary<string, object?> ForHolding(RabbitMqOptions options) => new()
    {
        [QueueType] = options.QueueType == ServiceDefaults.QueueType.Quorum ? "quorum" : "classic",
    };

    /// <summary>MassTransit's name for an endpoint's error queue and exchange.</summary>
    public static string ErrorQueue(string queue) => queue + "_error";

    /// <summary>MassTransit's name for an endpoint's queue of messages no consumer took.</summary>
    public static string SkippedQueue(string queue) => queue + "_skipped";
}
