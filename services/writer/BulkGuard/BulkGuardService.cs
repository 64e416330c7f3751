using System.Data.Common;
using Agents.Writer.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Agents.Writer.BulkGuard;

/// <summary>
/// Decides whether a new proposal goes the normal way or into a batch a person must release or reject as a whole:
/// too many records in one proposal, too many proposals of one kind from one source per minute (counted in the
/// database, so across all writer instances), or a batch of that source and kind already open (the fuse stays blown
/// until a person resets it). Per source: one CRM's runaway does not hold another's writes.
/// </summary>
public sealed class BulkGuardService(
    IOptions<WriterOptions> options,
    IDbContextFactory<WriterDbContext> dbFactory,
    TimeProvider clock,
    ILogger<BulkGuardService> logger)
{
    private BulkGuardOptions Options => options.Value.BulkGuard;

    /// <summary>The reason to hold a proposal that touches too many records, or null.</summary>
    public string? RecordLimitReason(int recordCount) =>
        Options.MaxRecordsPerProposal > 0 && recordCount > Options.MaxRecordsPerProposal
            ? $"touches {recordCount} records (limit {Options.MaxRecordsPerProposal})"
            : null;

    /// <summary>
    /// The reason to hold a new proposal, or null. <paramref name="db"/> is the saga's own context (its transaction);
    /// <paramref name="batchIsOpen"/> the answer read with the saga row's lock (<see cref="OpenBatchReadAhead"/>), if
    /// it was, else the guard asks.
    /// </summary>
    public async Task<string?> ReasonToHoldAsync(WriterDbContext db, string source, string kind, int recordCount, bool? batchIsOpen,
        CancellationToken cancellationToken)
    {
        if (RecordLimitReason(recordCount) is { } tooBig)
            return tooBig;
        if (batchIsOpen ?? await BatchIsOpenAsync(db, source, kind, cancellationToken))
            return $"a batch of {kind} from {source} is open for review";
        if (Options.MaxProposalsPerMinute <= 0)
            return null;
        var rate = await CountProposalAsync(source, kind, cancellationToken);
        return rate > Options.MaxProposalsPerMinute
            ? $"{rate:0} proposals of {kind} from {source} within a minute (limit {Options.MaxProposalsPerMinute})"
            : null;
    }

    /// <summary>Makes <paramref name="command"/> ask whether a batch of the source and kind is open: one boolean.</summary>
    internal static void AskBatchIsOpen(DbBatchCommand command, string source, string kind)
    {
        command.CommandText = """SELECT EXISTS (SELECT 1 FROM bulk_batches WHERE "Source" = $1 AND "Kind" = $2 AND "ClosedAt" IS NULL)""";
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = source });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = kind });
    }

    /// <summary>
    /// Whether a batch of the source and kind is open, asked with a plain command in the saga's transaction when it
    /// was not read with the saga row's lock (<see cref="OpenBatchReadAhead"/>): through EF Core, even as a compiled
    /// query, this one-row check cost three times the saga row's own read (bench/README.md, Saga). EF's in-memory
    /// provider (the saga's transition tests) has no connection to ask.
    /// </summary>
    private static async Task<bool> BatchIsOpenAsync(WriterDbContext db, string source, string kind, CancellationToken cancellationToken)
    {
        if (!db.Database.IsRelational())
            return await db.Batches.AnyAsync(b => b.Source == source && b.Kind == kind && b.ClosedAt == null, cancellationToken);
        await using var batch = new NpgsqlBatch((NpgsqlConnection)db.Database.GetDbConnection(),
            (NpgsqlTransaction?)db.Database.CurrentTransaction?.GetDbTransaction());
        var ask = batch.CreateBatchCommand();
        AskBatchIsOpen(ask, source, kind);
        batch.BatchCommands.Add(ask);
        return (bool)(await batch.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>
    /// Puts the write into the open batch of its source and kind, opening one if none is open, and returns the batch id. The
    /// batch row is read FOR SHARE inside the saga's transaction: a release or reject (which closes the row with an
    /// UPDATE first) waits for this write to commit, so no write can join a batch after its members were taken.
    /// Opened: this write opened the batch (the guard tripped), which the caller counts once its transaction commits.
    /// </summary>
    public async Task<(Guid BatchId, bool Opened)> JoinBatchAsync(WriterDbContext db, string source, string kind, string reason, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var opened = await db.Database.SqlQuery<Guid>($"""
                INSERT INTO bulk_batches ("BatchId", "Source", "Kind", "Reason", "OpenedAt")
                VALUES ({Guid.NewGuid()}, {source}, {kind}, {reason}, {clock.GetUtcNow()})
                ON CONFLICT ("Source", "Kind") WHERE "ClosedAt" IS NULL DO NOTHING
                RETURNING "BatchId" AS "Value"
                """).ToListAsync(cancellationToken);
            if (opened.Count == 1)
            {
                logger.LogWarning("Bulk guard tripped for {Kind} from {Source}: {Reason}; batch {BatchId} held for review", kind, source, reason, opened[0]);
            }
            var open = await db.Database.SqlQuery<Guid>($"""
                SELECT "BatchId" AS "Value" FROM bulk_batches WHERE "Source" = {source} AND "Kind" = {kind} AND "ClosedAt" IS NULL FOR SHARE
                """).ToListAsync(cancellationToken);
            if (open.Count == 1)
                return (open[0], opened.Count == 1);
            // Closed between our insert and our read (a person decided it just now): open the next one.
        }
        throw new InvalidOperationException($"No open bulk-review batch for {kind} from {source} after 5 attempts.");
    }

    /// <summary>
    /// Counts one new proposal of <paramref name="kind"/> from <paramref name="source"/> in its own short transaction (a
    /// counter row locked for the whole saga transaction would serialize every such proposal) and returns the sliding-window rate: this
    /// minute's count plus the previous minute's, weighted by how much of it still lies within the last 60 seconds.
    /// A proposal whose saga transaction loses a race and is retried is counted twice: the guard errs towards holding.
    /// </summary>
    private async Task<double> CountProposalAsync(string source, string kind, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await connection.OpenAsync(cancellationToken);
        await using var cmd = new NpgsqlCommand("""
            WITH bumped AS (
                INSERT INTO bulk_guard_windows ("Source", "Kind", "WindowStart", "Count")
                VALUES (@source, @kind, date_trunc('minute', now()), 1)
                ON CONFLICT ("Source", "Kind", "WindowStart") DO UPDATE SET "Count" = bulk_guard_windows."Count" + 1
                RETURNING "Count")
            SELECT (SELECT "Count" FROM bumped)
                 + coalesce((SELECT "Count" FROM bulk_guard_windows
                             WHERE "Source" = @source AND "Kind" = @kind AND "WindowStart" = date_trunc('minute', now()) - interval '1 minute'), 0)
                   * (1 - extract(epoch FROM now() - date_trunc('minute', now())) / 60.0)
            """, connection);
        cmd.Parameters.AddWithValue("source", source);
        cmd.Parameters.AddWithValue("kind", kind);
        return Convert.ToDouble(await cmd.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }
}
