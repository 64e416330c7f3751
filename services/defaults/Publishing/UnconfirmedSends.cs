using MassTransit;

namespace Agents.ServiceDefaults.Publishing;

/// <summary>
/// The sends of this instance on their way to the broker, from the moment the transport takes them until the broker
/// confirms them or they fail, and since when. A send still waiting after <see cref="Limit"/> will not end: after a
/// broker restart under load, RabbitMQ.Client 7.2.2 (the newest served) can leave a publish on a channel that closed
/// waiting for its confirmation for good. The closed channel keeps the publish's pending confirmation and nothing fails
/// it (a memory dump of <c>BrokerRestartUnderLoadTests</c> on the old code: a disposed channel holding seven of them).
/// MassTransit gives a consumer's publishes no deadline of their own, so the message that sent it stays in hand, and
/// once enough have, the endpoint handles nothing more. Nothing inside the process can end that wait; a new process
/// does (<see cref="UnconfirmedSendsGuard"/>).
/// </summary>
/// <remarks>
/// Only the transport's part is timed: a send waiting for a connection while the broker is away has not started, and
/// one blocked by a broker's memory or disk alarm is excused by the guard's base (<see cref="StopForSupervisor"/>).
/// </remarks>
public sealed class UnconfirmedSends(TimeSpan limit, TimeProvider clock) : ISendObserver, IPublishObserver
{
    private readonly InFlightSince<SendContext> _pending = new(clock);

    public TimeSpan Limit => limit;

    /// <summary>Why the instance should stop (the count and the oldest send waiting past the limit), or null.</summary>
    public string? Check() => _pending.Over(limit) is (var count, var oldest, var since)
        ? $"{count} send(s) to the broker unconfirmed for longer than {limit}, the oldest to {oldest.DestinationAddress} since {since:HH:mm:ss} UTC"
        : null;

    // MassTransit tells a publish to the publish observers only, and a send to the send observers.
    public Task PreSend<T>(SendContext<T> context) where T : class => Started(context);
    public Task PostSend<T>(SendContext<T> context) where T : class => Done(context);
    public Task SendFault<T>(SendContext<T> context, Exception exception) where T : class => Done(context);

    public Task PrePublish<T>(PublishContext<T> context) where T : class => Started(context);
    public Task PostPublish<T>(PublishContext<T> context) where T : class => Done(context);
    public Task PublishFault<T>(PublishContext<T> context, Exception exception) where T : class => Done(context);

    private Task Started(SendContext context)
    {
        if (limit > TimeSpan.Zero)
            _pending.Started(context);
        return Task.CompletedTask;
    }

    private Task Done(SendContext context)
    {
        _pending.Ended(context);
        return Task.CompletedTask;
    }
}
