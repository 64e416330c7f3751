using Agents.Contracts;
using Agents.Writer.Persistence;
using Agents.Writer.Sagas;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Agents.Writer.Expiry;

/// <summary>Publishes <see cref="ExpireWrite"/> for each write waiting for a person past its time.</summary>
public sealed class ExpirySweeper(
    IDbContextFactory<WriterDbContext> dbFactory,
    IBus bus,
    IOptions<WriterOptions> options,
    TimeProvider clock,
    ILogger<ExpirySweeper> logger) : LockedSweeper(dbFactory, options, clock, logger)
{
    /// <summary>The advisory lock the instance that sweeps holds.</summary>
    public static readonly long Lock = KeyFor("Agents.Writer.ExpirySweeper");

    protected override long LockKey => Lock;

    protected override string Found => "writes past their time";

    protected override async Task<int> SweepAsync(WriterDbContext db, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var due = await db.Writes.AsNoTracking()
            .Where(w => WriteStates.WaitingForAPerson.Contains(w.CurrentState) && w.ExpiresAt <= now)
            .OrderBy(w => w.ExpiresAt).Select(w => new { w.CorrelationId, w.ExpiresAt }).Take(BatchSize).ToListAsync(cancellationToken);
        var published = await PublishDueAsync(bus, due.Select(w => (w.CorrelationId, $"{w.ExpiresAt:O}",
            new ExpireWrite { CorrelationId = w.CorrelationId, DueAt = now })), now, cancellationToken);

        // The bulk guard's per-minute counters are only read for the last two minutes.
        await db.BulkGuardWindows.Where(w => w.WindowStart < now.AddHours(-1)).ExecuteDeleteAsync(cancellationToken);
        return published;
    }
}
