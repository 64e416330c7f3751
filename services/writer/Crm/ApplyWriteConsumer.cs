using Agents.Contracts;
using Agents.Writer.Persistence;
using Agents.Writer.Sagas;
using Agents.Writer.Telemetry;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Agents.Writer.Crm;

/// <summary>
/// Applies an approved write through the adapter its source is routed to and reports back to the saga. Before every
/// CRM call it checks that the write is still Applying the attempt this message belongs to: a stale copy (a write
/// applied, failed or moved to another attempt since) does nothing. Retries wait with backoff, or as long as a 429's
/// Retry-After asks (capped). Outcomes: WriteApplied; WriteFailed, permanent when the CRM refused (a 4xx other than
/// 408/409/429) or the write has no route any more, not permanent when the CRM kept failing past
/// <c>Writer:CrmRetryLimit</c> (the saga keeps the write for a later re-drive). Anything else (the database, the
/// broker) throws: the message is retried, and the saga keeps the write if it ends in a fault.
/// </summary>
public sealed class ApplyWriteConsumer(
    CrmRoutes routes, IDbContextFactory<WriterDbContext> dbFactory, IOptions<WriterOptions> options, WriterMetrics metrics,
    TimeProvider clock, ILogger<ApplyWriteConsumer> logger) : IConsumer<ApplyWrite>
{
    private static readonly Func<WriterDbContext, Guid, Task<AttemptState?>> CurrentAttempt =
        EF.CompileAsyncQuery((WriterDbContext db, Guid id) =>
            db.Writes.Where(w => w.CorrelationId == id).Select(w => new AttemptState(w.CurrentState, w.ApplyAttempt)).SingleOrDefault());

    private sealed record AttemptState(string State, int Attempt);

    public async Task Consume(ConsumeContext<ApplyWrite> context)
    {
        var write = context.Message;
        var o = options.Value;
        var route = routes.For(write.Source, write.Kind, write.ExternalId);
        if (route.Adapter is not { } adapter)
        {
            logger.LogWarning("Write {IdempotencyKey} not applied: {Reason}", write.IdempotencyKey, route.Refusal);
            await context.Publish(Failed(write, route.Refusal!, permanent: true));
            return;
        }
        using var activity = CrmApplyActivity.Start(write, adapter.Name);
        for (var attempt = 0; ; attempt++)
        {
            if (await StaleAsync(write, context.CancellationToken) is { } why)
            {
                metrics.CrmWrite(adapter.Name, "stale");
                logger.LogInformation("Write {IdempotencyKey} attempt {Attempt} not applied: {Why}", write.IdempotencyKey, write.Attempt, why);
                return;
            }
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
                var permanent = !e.Retryable;
                metrics.CrmWrite(adapter.Name, permanent ? "failed" : "deferred");
                activity?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, e.Message);
                logger.LogWarning("Write {IdempotencyKey} {Outcome} through {Adapter} after {Attempts} attempts: {Reason}",
                    write.IdempotencyKey, permanent ? "refused" : "not applied for now", adapter.Name, attempt + 1, e.Message);
                await context.Publish(Failed(write, e.Message, permanent));
                return;
            }
        }

        metrics.CrmWrite(adapter.Name, "applied");
        logger.LogInformation("Write {IdempotencyKey} applied through {Adapter}", write.IdempotencyKey, adapter.Name);
        await context.Publish(new WriteApplied
        {
            CorrelationId = write.CorrelationId,
            Attempt = write.Attempt,
            IdempotencyKey = write.IdempotencyKey,
            Adapter = adapter.Name,
            AppliedAt = clock.GetUtcNow(),
        });
    }

    /// <summary>Why this message must not reach the CRM (the write is not Applying its attempt), or null when it may.</summary>
    private async Task<string?> StaleAsync(ApplyWrite write, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var current = await CurrentAttempt(db, write.CorrelationId);
        if (current is null)
            return "no such write";
        if (current.State != WriteStates.Applying)
            return $"the write is {current.State}";
        return current.Attempt != write.Attempt ? $"the write is on attempt {current.Attempt}" : null;
    }

    private WriteFailed Failed(ApplyWrite write, string reason, bool permanent) => new()
    {
        CorrelationId = write.CorrelationId,
        Attempt = write.Attempt,
        IdempotencyKey = write.IdempotencyKey,
        Reason = reason,
        Permanent = permanent,
        FailedAt = clock.GetUtcNow(),
    };
}
