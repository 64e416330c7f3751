using Agents.Contracts;
using Agents.Writer.Persistence;
using Agents.Writer.Sagas;
using Microsoft.EntityFrameworkCore;

namespace Agents.Writer.Crm;

/// <summary>
/// The default CRM: a table of applied writes, for any source (it touches no system outside).
/// INSERT … ON CONFLICT DO NOTHING on (key, generation) makes re-applies no-ops.
/// </summary>
public sealed class JournalCrmAdapter(IDbContextFactory<WriterDbContext> dbFactory, TimeProvider clock) : ICrmAdapter
{
    public string Name => "journal";

    public IReadOnlySet<string>? Sources => null;

    public string? MissingSettings => null;

    public string? CannotApply(string kind, string externalId) => null;

    public async Task ApplyAsync(ApplyWrite write, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await db.Database.ExecuteSqlInterpolatedAsync($"""
            INSERT INTO crm_journal ("CorrelationId", "IdempotencyKey", "Generation", "Source", "ExternalId", "Kind", "Changes", "AppliedAt")
            VALUES ({write.CorrelationId}, {write.IdempotencyKey}, {write.Generation}, {write.Source}, {write.ExternalId}, {write.Kind},
                    CAST({ProposalContent.ToJson(write.Changes)} AS jsonb), {clock.GetUtcNow()})
            ON CONFLICT ("IdempotencyKey", "Generation") DO NOTHING
            """, cancellationToken);
    }
}
