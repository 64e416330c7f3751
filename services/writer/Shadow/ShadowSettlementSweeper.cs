using Agents.Writer.Persistence;
using Agents.Writer.Telemetry;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Agents.Writer.Shadow;

/// <summary>
/// Settles shadowed proposals whose ticket has settled (<see cref="ShadowSettlement"/>): a periodic sweep under an
/// advisory lock, like expiry, because the broker has no delayed messages; it only writes rows of its own table, so it
/// needs no saga. Then refreshes the agreement gauge.
/// </summary>
public sealed class ShadowSettlementSweeper(
    IDbContextFactory<WriterDbContext> dbFactory,
    IOptions<WriterOptions> options,
    WriterMetrics metrics,
    TimeProvider clock,
    ILogger<ShadowSettlementSweeper> logger) : LockedSweeper(dbFactory, options, clock, logger)
{
    public static readonly long Lock = KeyFor("Agents.Writer.ShadowSettlementSweeper");

    protected override long LockKey => Lock;

    protected override string Found => "shadowed proposals settled";

    protected override async Task<int> SweepAsync(WriterDbContext db, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var shadow = Options.Shadow;
        var open = await db.ShadowProposals.Where(p => p.SettledAt == null)
            .OrderBy(p => p.ProposedAt).Take(BatchSize).ToListAsync(cancellationToken);
        var settled = 0;
        foreach (var tickets in open.GroupBy(p => (p.Source, p.ExternalId)))
        {
            var (source, externalId) = tickets.Key;
            var changes = await db.TicketChanges.AsNoTracking()
                .Where(c => c.Source == source && c.ExternalId == externalId && c.OurWrite == null)
                .ToListAsync(cancellationToken);
            foreach (var proposal in tickets)
            {
                var after = proposal.TicketUpdatedAt;
                var human = changes.Where(c => c.Field == proposal.Field && (after == null || c.ChangedAt > after)).ToList();
                if (ShadowSettlement.TrySettle(proposal, human, shadow, now))
                    settled++;
            }
        }
        await db.SaveChangesAsync(cancellationToken);

        var agreement = await db.ShadowProposals.AsNoTracking().Where(p => p.SettledAt != null && p.Outcome != "NoHumanAction")
            .GroupBy(p => p.Kind)
            .Select(g => new { Kind = g.Key, Agreed = g.Count(p => p.Outcome == "Agreed"), Judged = g.Count() })
            .ToListAsync(cancellationToken);
        metrics.SetShadowAgreement(agreement.ToDictionary(a => a.Kind, a => (double)a.Agreed / a.Judged));
        return settled;
    }
}
