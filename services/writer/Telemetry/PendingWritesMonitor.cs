using Agents.Writer.Persistence;
using Agents.Writer.Sagas;
using Microsoft.EntityFrameworkCore;

namespace Agents.Writer.Telemetry;

/// <summary>
/// Refreshes the gauges of what waits for a person from the database every few seconds, outside the metric callbacks:
/// writes pending approval, and escalations not closed yet.
/// </summary>
public sealed class PendingWritesMonitor(
    IDbContextFactory<WriterDbContext> dbFactory, WriterMetrics metrics, TimeProvider clock, ILogger<PendingWritesMonitor> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(15);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        do
        {
            try
            {
                await using var db = await dbFactory.CreateDbContextAsync(stoppingToken);
                var pending = db.Writes.AsNoTracking().Where(w => WriteStates.WaitingForAPerson.Contains(w.CurrentState));
                var count = await pending.LongCountAsync(stoppingToken);
                var oldest = count == 0 ? (DateTimeOffset?)null : await pending.MinAsync(w => (DateTimeOffset?)w.ProposedAt, stoppingToken);
                metrics.SetPending(count, oldest is null ? TimeSpan.Zero : clock.GetUtcNow() - oldest.Value);
                var open = db.Escalations.AsNoTracking().Where(e => e.ClosedAt == null);
                var openCount = await open.LongCountAsync(stoppingToken);
                var oldestOpen = openCount == 0 ? (DateTimeOffset?)null : await open.MinAsync(e => (DateTimeOffset?)e.EscalatedAt, stoppingToken);
                metrics.SetOpenEscalations(openCount, oldestOpen is null ? TimeSpan.Zero : clock.GetUtcNow() - oldestOpen.Value);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The database may not exist yet (migrations run at start) or be briefly down: try next tick.
                logger.LogDebug(e, "Pending-write and open-escalation gauges not refreshed");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
