using Agents.Contracts;
using MassTransit;

namespace Agents.Writer.Crm;

/// <summary>
/// Applies an approved write through the configured adapter, then reports back to the saga. Failures are retried
/// by the endpoint a bounded number of times; the final Fault&lt;ApplyWrite&gt; moves the saga to Failed.
/// </summary>
public sealed class ApplyWriteConsumer(ICrmAdapter adapter, ILogger<ApplyWriteConsumer> logger) : IConsumer<ApplyWrite>
{
    public async Task Consume(ConsumeContext<ApplyWrite> context)
    {
        var write = context.Message;
        await adapter.ApplyAsync(write, context.CancellationToken);
        logger.LogInformation("Write {IdempotencyKey} applied through {Adapter}", write.IdempotencyKey, adapter.Name);
        await context.Publish(new WriteApplied
        {
            CorrelationId = write.CorrelationId,
            IdempotencyKey = write.IdempotencyKey,
            Adapter = adapter.Name,
            AppliedAt = DateTimeOffset.UtcNow,
        });
    }
}
