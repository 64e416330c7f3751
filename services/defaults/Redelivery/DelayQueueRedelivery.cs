using Agents.ServiceDefaults.Queues;
using MassTransit;
using MassTransit.RabbitMqTransport;
using MassTransit.Serialization;
using Microsoft.Extensions.Logging;

namespace Agents.ServiceDefaults.Redelivery;

/// <summary>
/// MassTransit's redelivery (its retry filter decides when, this decides how) without the delayed-message plugin: the
/// message is forwarded, as MassTransit's own delayed redelivery forwards it (same message id, conversation,
/// correlation, headers and body; the send span joins the consumer's trace), to the delay queue of the wait asked,
/// with the name of its queue as routing key. When the wait is over the broker dead-letters it to
/// <see cref="OwnedQueue.RedeliveryExchange"/>, where that routing key leads back to its queue. The copy
/// is confirmed by the broker before the original is acknowledged, so a crash in between leaves two copies, never none.
/// </summary>
public sealed class DelayQueueRedeliveryContext<TMessage>(
    ConsumeContext<TMessage> context, RabbitMqOptions options, RedeliveryMetrics metrics, ILogger logger) : MessageRedeliveryContext
    where TMessage : class
{
    /// <summary>What the broker adds when it dead-letters or counts deliveries; each trip starts without them.</summary>
    private static readonly string[] BrokerHeaders =
    [
        "x-death", "x-first-death-exchange", "x-first-death-queue", "x-first-death-reason",
        "x-last-death-exchange", "x-last-death-queue", "x-last-death-reason", "x-delivery-count",
    ];

    public async Task ScheduleRedelivery(TimeSpan delay, Action<ConsumeContext, SendContext>? callback = null)
    {
        var queue = context.ReceiveContext.GetPayload<ReceiveSettings>().QueueName;
        var delayQueue = RedeliverySchedule.QueueName(delay);

        // Declared on every trip (a handful of round trips, and only after ~19 s of failures): a broker that lost its
        // definitions while we ran must not make the copy vanish into an exchange bound to nothing.
        var connection = context.ReceiveContext.GetPayload<ConnectionContext>().Connection;
        await using (var channel = await connection.CreateChannelAsync(cancellationToken: context.CancellationToken))
            await QueueDeclaration.DeclareAsync(channel, OwnedQueue.Delay(options, delay), context.CancellationToken);

        var redelivery = context.GetRedeliveryCount() + 1;
        var pipe = Pipe.Execute<SendContext<TMessage>>(send =>
        {
            send.ApplyRedeliveryOptions(context, RedeliveryOptions.None);
            foreach (var header in BrokerHeaders)
                send.Headers.Set(header, null);
            send.SetRoutingKey(queue);
            // Unroutable (the delay queue gone between declaration and send) fails the send, so the original stays.
            if (send.TryGetPayload<RabbitMqSendContext>(out var rabbit))
                rabbit.Mandatory = true;
            callback?.Invoke(context, send);
        });
        var endpoint = await context.GetSendEndpoint(new Uri("exchange:" + delayQueue));
        await endpoint.Send(context.Message, new ForwardMessagePipe<TMessage>(context, pipe), context.CancellationToken);

        metrics.Redelivered(queue, delay);
        logger.LogWarning("Message {MessageId} ({MessageType}) on {Queue} still failing after its in-memory retries; redelivery {Redelivery} in {Delay} through {DelayQueue}",
            context.MessageId, TypeCache<TMessage>.ShortName, queue, redelivery, delay, delayQueue);
    }
}

/// <summary>Puts <see cref="DelayQueueRedeliveryContext{TMessage}"/> where MassTransit's redelivery retry filter looks for it.</summary>
public sealed class DelayQueueRedeliveryFilter<TMessage>(RabbitMqOptions options, RedeliveryMetrics metrics, ILogger logger)
    : IFilter<ConsumeContext<TMessage>>
    where TMessage : class
{
    public Task Send(ConsumeContext<TMessage> context, IPipe<ConsumeContext<TMessage>> next)
    {
        context.GetOrAddPayload<MessageRedeliveryContext>(() => new DelayQueueRedeliveryContext<TMessage>(context, options, metrics, logger));
        return next.Send(context);
    }

    public void Probe(ProbeContext context) => context.CreateFilterScope("delayQueueRedelivery");
}
