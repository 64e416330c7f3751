using MassTransit;

namespace Agents.ServiceDefaults.Consuming;

/// <summary>
/// The messages this instance is handling, from their delivery until they are acknowledged or fail (in-memory retries
/// and the endpoint's outbox included), and since when. A message held longer than <see cref="Limit"/> is stuck: our
/// longest handling (a classifier's eight attempts, each an LLM call, a draft and its database work) takes minutes,
/// not a quarter of an hour. Seen in a fault run: after a broker restart both writers kept their saga endpoint's
/// messages in hand, handled nothing more for ten minutes and called themselves healthy (their slots full, the
/// sends those messages waited on never returning: <see cref="Publishing.UnconfirmedSends"/> names that cause and stops
/// the instance within a minute; this guard stays for any other call that never returns). Nothing inside the process
/// mends that; a new one does, and the messages go back to their queues when it stops (<see cref="HeldMessagesGuard"/>).
/// </summary>
public sealed class HeldMessages(TimeSpan limit, TimeProvider clock) : IReceiveObserver
{
    private readonly InFlightSince<ReceiveContext> _held = new(clock);

    public TimeSpan Limit => limit;

    /// <summary>Why the instance should stop (the count and the oldest message held past the limit), or null.</summary>
    public string? Check() => _held.Over(limit) is (var count, var oldest, var since)
        ? $"{count} message(s) in hand for longer than {limit}, the oldest on {oldest.InputAddress} since {since:HH:mm:ss} UTC"
        : null;

    public Task PreReceive(ReceiveContext context)
    {
        if (limit > TimeSpan.Zero)
            _held.Started(context);
        return Task.CompletedTask;
    }

    public Task PostReceive(ReceiveContext context) => Done(context);

    public Task ReceiveFault(ReceiveContext context, Exception exception) => Done(context);

    public Task PostConsume<T>(ConsumeContext<T> context, TimeSpan duration, string consumerType) where T : class => Task.CompletedTask;

    public Task ConsumeFault<T>(ConsumeContext<T> context, TimeSpan duration, string consumerType, Exception exception) where T : class =>
        Task.CompletedTask;

    private Task Done(ReceiveContext context)
    {
        _held.Ended(context);
        return Task.CompletedTask;
    }
}
