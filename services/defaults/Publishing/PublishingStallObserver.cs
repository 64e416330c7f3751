using MassTransit;

namespace Agents.ServiceDefaults.Publishing;

/// <summary>
/// Feeds every send and publish of the bus, from any endpoint or the bus itself, to <see cref="PublishingStall"/>.
/// A publish is seen twice (as a publish and as the send beneath it), which changes no decision.
/// </summary>
public sealed class PublishingStallObserver(PublishingStall stall, TimeProvider clock) : ISendObserver, IPublishObserver
{
    public Task PreSend<T>(SendContext<T> context) where T : class => Task.CompletedTask;
    public Task PostSend<T>(SendContext<T> context) where T : class => Succeeded();
    public Task SendFault<T>(SendContext<T> context, Exception exception) where T : class => Failed(context, exception);

    public Task PrePublish<T>(PublishContext<T> context) where T : class => Task.CompletedTask;
    public Task PostPublish<T>(PublishContext<T> context) where T : class => Succeeded();
    public Task PublishFault<T>(PublishContext<T> context, Exception exception) where T : class => Failed(context, exception);

    private Task Succeeded()
    {
        stall.Succeeded();
        return Task.CompletedTask;
    }

    private Task Failed(SendContext context, Exception exception)
    {
        stall.Failed(clock.GetUtcNow(), exception, context.CancellationToken.IsCancellationRequested);
        return Task.CompletedTask;
    }
}
