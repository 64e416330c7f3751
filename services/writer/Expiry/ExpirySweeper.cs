using Agents.Contracts;
using Agents.Writer.Persistence;
using Agents.Writer.Sagas;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Agents.Writer.Expiry;

/// <summary>
/// Our own timer for pending writes (the broker has no delayed-message plugin, so no saga Schedule): every
/// <see cref="WriterOptions.SweepInterval"/> one writer instance, the one that gets a PostgreSQL advisory lock,
/// publishes <see cref="ExpireWrite"/> for each write past its time; the saga decides under its row lock. Two
/// sweepers overlapping anyway (a lock lost with its connection) only publish a message the saga ignores.
/// </summary>
public sealed class ExpirySweeper(
    IDbContextFactory<WriterDbContext> dbFactory,
    IBus bus,
    IOptions<WriterOptions> options,
    ILogger<ExpirySweeper> logger) : BackgroundService
{
    private const int BatchSize = 2000;
    /// <summary>The advisory lock (transaction-scoped) the instance that sweeps holds.</summary>
    public static readonly long LockKey = BitConverter.ToInt64(System.Security.Cryptography.SHA256.HashData("Agents.Writer.ExpirySweeper"u8), 0);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SweepInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                var published = await SweepOnceAsync(stoppingToken);
                if (published > 0)
                    logger.LogInformation("Expiry sweep: {Count} writes past their time", published);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Expiry sweep failed; next try in {Interval}", options.Value.SweepInterval);
            }
        }
    }

    /// <summary>One sweep; returns how many expiry messages were published (0 when another instance holds the lock).</summary>
    public async Task<int> SweepOnceAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        // A transaction-scoped lock: released by the commit or rollback however the sweep ends, so a pooled
        // connection (not reset on return) can never keep it.
        await using var tx = await db.Database.BeginTransactionAsync(cancellationToken);
        var locked = await db.Database.SqlQuery<bool>($"SELECT pg_try_advisory_xact_lock({LockKey}) AS \"Value\"").SingleAsync(cancellationToken);
        if (!locked)
            return 0;
        var now = DateTimeOffset.UtcNow;
        // A bounded batch per sweep: what is left over goes out on the next tick.
        var due = await db.Writes.AsNoTracking()
            .Where(w => WriteStates.WaitingForAPerson.Contains(w.CurrentState) && w.ExpiresAt <= now)
            .OrderBy(w => w.ExpiresAt).Select(w => w.CorrelationId).Take(BatchSize).ToListAsync(cancellationToken);
        foreach (var id in due)
            await bus.Publish(new ExpireWrite { CorrelationId = id, DueAt = now }, cancellationToken);

        // The bulk guard's per-minute counters are only read for the last two minutes.
        await db.BulkGuardWindows.Where(w => w.WindowStart < now.AddHours(-1)).ExecuteDeleteAsync(cancellationToken);
        await tx.CommitAsync(cancellationToken);
        return due.Count;
    }
}
