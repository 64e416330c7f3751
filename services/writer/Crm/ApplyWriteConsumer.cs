using Agents.Contracts;
using Agents.Writer.Telemetry;
using MassTransit;
using Microsoft.Extensions.Options;

namespace Agents.Writer.Crm;

/// <summary>
/// Applies an approved write through the configured adapter and reports back to the saga: WriteApplied, or
/// WriteFailed with the reason once the CRM refused it (4xx) or kept failing past <c>Writer:CrmRetryLimit</c>
/// attempts. Retries wait with backoff, or as long as a 429's Retry-After asks (capped).
/// </summary>
public sealed class ApplyWriteConsumer(
    ICrmAdapter adapter, IOptions<WriterOptions> options, WriterMetrics metrics, ILogger<ApplyWriteConsumer> logger) : IConsumer<ApplyWrite>
{
    public async Task Consume(ConsumeContext<ApplyWrite> context)
    {
        var write = context.Message;
        var o = options.Value;
        using var activity = CrmApplyActivity.Start(write, adapter.Name);
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await adapter.ApplyAsync(write, context.CancellationToken);
                break;
            }
            catch (CrmWriteException e) when (e.Retryable && attempt < o.CrmRetryLimit)
            {
                var backoff = o.CrmRetryDelay * Math.Pow(2, attempt);
                var wait = e.RetryAfter is { } asked && asked > backoff ? asked : backoff;
                if (wait > o.CrmMaxRetryDelay)
                    wait = o.CrmMaxRetryDelay;
                metrics.CrmWrite(adapter.Name, "retried");
                logger.LogWarning("Write {IdempotencyKey} not applied through {Adapter} (attempt {Attempt}): {Reason}; retrying in {Wait}",
                    write.IdempotencyKey, adapter.Name, attempt + 1, e.Message, wait);
                await Task.Delay(wait, context.CancellationToken);
            }
            catch (CrmWriteException e)
            {
                metrics.CrmWrite(adapter.Name, "failed");
                activity?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, e.Message);
                logger.LogWarning("Write {IdempotencyKey} failed through {Adapter} after {Attempts} attempts: {Reason}",
                    write.IdempotencyKey, adapter.Name, attempt + 1, e.Message);
                await context.Publish(new WriteFailed
                {
                    CorrelationId = write.CorrelationId,
                    IdempotencyKey = write.IdempotencyKey,
                    Reason = e.Message,
                    FailedAt = DateTimeOffset.UtcNow,
                });
                return;
            }
        }

        metrics.CrmWrite(adapter.Name, "applied");
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
