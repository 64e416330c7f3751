using Agents.Contracts;
using Agents.Writer.Persistence;
using Agents.Writer.Sagas;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Agents.Writer.Redrive;

/// <summary>
/// Publishes <see cref="RedriveWrite"/> for each write Applying longer than <see cref="WriterOptions.ApplyStuckAfter"/>
/// since its ApplyWrite was sent: an instance died between committing the decision and publishing (after a batch
/// release, say), or the write's last attempt ended without applying (the CRM kept failing, the consumer faulted).
/// The saga sends the attempt's ApplyWrite again; applying twice is harmless (adapters are idempotent by key) and
/// rare (a copy of an attempt the write has left does nothing).
/// </summary>
public sealed class RedriveSweeper(
    IDbContextFactory<WriterDbContext> dbFactory,
    IBus bus,
    IOptions<WriterOptions> options,
    TimeProvider clock,
    ILogger<RedriveSweeper> logger) : LockedSweeper(dbFactory, options, clock, logger)
{
    /// <summary>The advisory lock the instance that sweeps holds.</summary>
    public static readonly long Lock = KeyFor("Agents.Writer.RedriveSweeper");

    protected override long LockKey => Lock;

    protected override string Found => "writes stuck Applying sent again";

    protected override async Task<int> SweepAsync(WriterDbContext db, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var stuckSince = now - Options.ApplyStuckAfter;
        // Rows Applying since before ApplyRequestedAt existed count from their last update.
        var stuck = await db.Writes.AsNoTracking()
            .Where(w => w.CurrentState == WriteStates.Applying && (w.ApplyRequestedAt ?? w.UpdatedAt) <= stuckSince)
            .OrderBy(w => w.ApplyRequestedAt ?? w.UpdatedAt)
            .Select(w => new { w.CorrelationId, w.ApplyAttempt, RequestedAt = w.ApplyRequestedAt ?? w.UpdatedAt })
            .Take(BatchSize).ToListAsync(cancellationToken);
        // The saga's handling moves the request time (or the attempt): until then, the copy sent is the one to wait for.
        return await PublishDueAsync(bus, stuck.Select(w => (w.CorrelationId, $"{w.ApplyAttempt}@{w.RequestedAt:O}",
            new RedriveWrite { CorrelationId = w.CorrelationId, Attempt = w.ApplyAttempt, DueAt = now })), now, cancellationToken);
    }
}
