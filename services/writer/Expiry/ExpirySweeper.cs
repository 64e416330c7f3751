using Agents.Contracts;
using Agents.Writer.Persistence;
using Agents.Writer.Sagas;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;

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
    private static readonly long LockKey = BitConverter.ToInt64(System.Security.Cryptography.SHA256.HashData("Agents.Writer.ExpirySweeper"u8), 0);

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
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await connection.OpenAsync(cancellationToken);
        await using (var tryLock = new NpgsqlCommand("SELECT pg_try_advisory_lock(@k)", connection))
        {
            tryLock.Parameters.AddWithValue("k", LockKey);
            if (await tryLock.ExecuteScalarAsync(cancellationToken) is not true)
                return 0;
        }
        try
        {
            var now = DateTimeOffset.UtcNow;
            // A bounded batch per sweep: what is left over goes out on the next tick.
            var due = await db.Writes.AsNoTracking()
                .Where(w => WriteStates.WaitingForAPerson.Contains(w.CurrentState) && w.ExpiresAt <= now)
                .OrderBy(w => w.ExpiresAt).Select(w => w.CorrelationId).Take(BatchSize).ToListAsync(cancellationToken);
            foreach (var id in due)
                await bus.Publish(new ExpireWrite { CorrelationId = id, DueAt = now }, cancellationToken);

            // The bulk guard's per-minute counters are only read for the last two minutes.
            await db.BulkGuardWindows.Where(w => w.WindowStart < now.AddHours(-1)).ExecuteDeleteAsync(cancellationToken);
            return due.Count;
        }
        finally
        {
            await using var unlock = new NpgsqlCommand("SELECT pg_advisory_unlock(@k)", connection);
            unlock.Parameters.AddWithValue("k", LockKey);
            await unlock.ExecuteScalarAsync(CancellationToken.None);
        }
    }
}
