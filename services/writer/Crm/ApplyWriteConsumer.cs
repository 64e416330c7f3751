using Agents.Contracts;
using Agents.Writer.Telemetry;
using MassTransit;
using Microsoft.Extensions.Options;

namespace Agents.Writer.Crm;

/// <summary>
/// Applies an approved write through the adapter its source is routed to and reports back to the saga: WriteApplied,
/// or WriteFailed with the reason once the CRM refused it (4xx), kept failing past <c>Writer:CrmRetryLimit</c>
/// attempts, or the write has no route any more (the routes changed since it was proposed). Retries wait with
/// backoff, or as long as a 429's Retry-After asks (capped).
/// </summary>
public sealed class ApplyWriteConsumer(
    CrmRoutes routes, IOptions<WriterOptions> options, WriterMetrics metrics, ILogger<ApplyWriteConsumer> logger) : IConsumer<ApplyWrite>
{
    public async Task Consume(ConsumeContext<ApplyWrite> context)
    {
        var write = context.Message;
        var o = options.Value;
        var route = routes.For(write.Source, write.Kind, write.ExternalId);
        if (route.Adapter is not { } adapter)
        {
            logger.LogWarning("Write {IdempotencyKey} not applied: {Reason}", write.IdempotencyKey, route.Refusal);
            await context.Publish(new WriteFailed
            {
                CorrelationId = write.CorrelationId,
                IdempotencyKey = write.IdempotencyKey,
                Reason = route.Refusal!,
                FailedAt = DateTimeOffset.UtcNow,
            });
            return;
        }
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
