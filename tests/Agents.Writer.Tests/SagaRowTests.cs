using Agents.Sagas.Postgres;
using Agents.Writer.BulkGuard;
using Agents.Writer.Persistence;
using Agents.Writer.Sagas;
using Microsoft.EntityFrameworkCore;
using NUnit.Framework;

namespace Agents.Writer.Tests;

/// <summary>
/// The saga repository reads and locks the saga row with a plain command and a reader built from the EF model
/// (<c>SagaRow</c>), not through EF's query pipeline: every mapped column must come back exactly as EF reads it, with
/// every nullable one set and with each of them null, including the jsonb columns and the timestamps.
/// </summary>
[TestFixture]
public class SagaRowTests : WriterFixture
{
    [Test]
    public async Task The_saga_row_reader_reads_every_column_as_ef_core_does()
    {
        _host = await WriterTestHost.StartAsync(Policies.Shipped);
        var options = new DbContextOptionsBuilder<WriterDbContext>().UseNpgsql(_host.Database.ConnectionString).Options;
        WriteApprovalState full, empty;
        await using (var db = new WriterDbContext(options))
        {
            full = Filled(db, nullsToo: true);
            empty = Filled(db, nullsToo: false);
            db.Writes.AddRange(full, empty);
            await db.SaveChangesAsync();
        }

        foreach (var written in new[] { full, empty })
        {
            await using var db = new WriterDbContext(options);
            var byEf = await db.Writes.AsNoTracking().SingleAsync(w => w.CorrelationId == written.CorrelationId);
            await using var tx = await db.Database.BeginTransactionAsync();
            var byRow = await SagaRow<WriteApprovalState>.For(db).LockAsync(db, written.CorrelationId, CancellationToken.None);
            Assert.That(byRow, Is.Not.Null, "the row is found by its key");

            Assert.Multiple(() =>
            {
                foreach (var property in db.Model.FindEntityType(typeof(WriteApprovalState))!.GetProperties())
                {
                    var info = property.PropertyInfo!;
                    Assert.That(info.GetValue(byRow!), Is.EqualTo(info.GetValue(byEf)), $"{info.Name} ({(written == full ? "every column set" : "nullable columns null")})");
                }
            });
        }
    }

    [Test]
    public async Task The_lock_and_the_bulk_guards_read_ahead_share_a_round_trip_and_both_answer()
    {
        _host = await WriterTestHost.StartAsync(Policies.Shipped);
        var options = new DbContextOptionsBuilder<WriterDbContext>().UseNpgsql(_host.Database.ConnectionString).Options;
        WriteApprovalState existing;
        await using (var db = new WriterDbContext(options))
        {
            existing = Filled(db, nullsToo: false);
            db.Writes.Add(existing);
            db.Batches.Add(new BulkBatch { BatchId = Guid.NewGuid(), Source = "zendesk", Kind = "set-priority", Reason = "test", OpenedAt = DateTimeOffset.UtcNow });
            await db.SaveChangesAsync();
        }

        // Each case: the row there or not, a batch of the proposal's source and kind open or not.
        foreach (var (id, source, rowThere, batchOpen) in new[]
                 {
                     (existing.CorrelationId, "zendesk", true, true), (existing.CorrelationId, "github", true, false),
                     (Guid.NewGuid(), "zendesk", false, true), (Guid.NewGuid(), "github", false, false),
                 })
        {
            await using var db = new WriterDbContext(options);
            await using var tx = await db.Database.BeginTransactionAsync();
            var readAhead = new OpenBatchReadAhead();
            var proposal = Proposals.SetPriority("t-1", source: source);
            var row = await SagaRow<WriteApprovalState>.For(db).LockAsync(db, id,
                (command => readAhead.Prepare(proposal, command), readAhead.ReadAsync), CancellationToken.None);

            var what = $"row {(rowThere ? "there" : "missing")}, batch {(batchOpen ? "open" : "none")}";
            Assert.That(row?.CorrelationId, Is.EqualTo(rowThere ? id : (Guid?)null), what);
            Assert.That(readAhead.BatchIsOpen(source, proposal.Kind), Is.EqualTo(batchOpen), what);
            Assert.That(readAhead.BatchIsOpen(source, "another-kind"), Is.Null, "an answer is for the source and kind it asked about only");
        }
    }

    /// <summary>A write with a distinct value in every column (jsonb ones valid JSON), the nullable ones set or left null.</summary>
    internal static WriteApprovalState Filled(DbContext db, bool nullsToo)
    {
        var write = new WriteApprovalState();
        var at = new DateTimeOffset(2026, 12, 5, 4, 30, 0, TimeSpan.Zero);
        var n = 0;
        var unique = Guid.NewGuid().ToString("N")[..8]; // the idempotency key is unique
        foreach (var property in db.Model.FindEntityType(typeof(WriteApprovalState))!.GetProperties())
        {
            n++;
            if (property.IsNullable && !nullsToo)
                continue;
            var type = Nullable.GetUnderlyingType(property.ClrType) ?? property.ClrType;
            object value = type == typeof(Guid) ? Guid.NewGuid()
                : type == typeof(int) ? n
                : type == typeof(double) ? n + 0.25
                : type == typeof(DateTimeOffset) ? at.AddMinutes(n).AddTicks(n * 10) // microseconds: what PostgreSQL keeps
                : type == typeof(string) && property.GetColumnType() == "jsonb" ? $$"""{"field": "value {{n}}", "n": {{n}}}"""
                : type == typeof(string) ? $"{property.Name} {n} {unique}"
                : throw new NotSupportedException($"{property.Name}: {type.Name} has no test value yet");
            property.PropertyInfo!.SetValue(write, value);
        }
        return write;
    }
}
