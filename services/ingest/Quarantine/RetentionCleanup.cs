using Agents.Ingest.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Agents.Ingest.Quarantine;

/// <summary>
/// Keeps the tables bounded: quarantine rows older than <c>QuarantineRetention</c> or beyond
/// <c>QuarantineMaxRows</c>, and remembered deliveries older than <c>DedupeWindow</c>, are deleted every
/// <c>CleanupInterval</c>. Several instances may run it at once; the deletes are idempotent.
/// </summary>
public sealed class RetentionCleanup(IDbContextFactory<IngestDbContext> contexts, IOptions<IngestOptions> options,
    TimeProvider clock, ILogger<RetentionCleanup> logger) : BackgroundService
{
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var now = clock.GetUtcNow();
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var oldQuarantine = now - settings.QuarantineRetention;
        var removed = await db.Quarantine.Where(q => q.ReceivedAt < oldQuarantine).ExecuteDeleteAsync(cancellationToken);
        var cutoff = await db.Quarantine.OrderByDescending(q => q.Id).Skip(settings.QuarantineMaxRows).Select(q => (long?)q.Id).FirstOrDefaultAsync(cancellationToken);
        if (cutoff is { } id)
            removed += await db.Quarantine.Where(q => q.Id <= id).ExecuteDeleteAsync(cancellationToken);
        // Slots beyond the ring, should it have been made smaller.
        removed += await db.Unverified.Where(u => u.Slot >= settings.UnverifiedSample.MaxRows).ExecuteDeleteAsync(cancellationToken);
        var oldDeliveries = now - settings.DedupeWindow;
        var forgotten = await db.Deliveries.Where(d => d.AcceptedAt < oldDeliveries).ExecuteDeleteAsync(cancellationToken);
        if (removed + forgotten > 0)
            logger.LogInformation("Retention: removed {Quarantined} quarantine rows and {Deliveries} delivery records", removed, forgotten);
        return removed + forgotten;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.CleanupInterval);
        do
        {
            try
            {
                await RunOnceAsync(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogError(e, "Retention cleanup failed; trying again in {Interval}", options.Value.CleanupInterval);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
