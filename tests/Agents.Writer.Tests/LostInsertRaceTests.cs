using Agents.Contracts;
using Agents.Harness;
using Agents.Testing;
using Agents.Writer.Persistence;
using Agents.Writer.Sagas;
using MassTransit;
using MassTransit.Saga;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NUnit.Framework;

namespace Agents.Writer.Tests;

/// <summary>
/// A first copy that loses the INSERT race to another writer, made certain: the winner is played by the test, which
/// inserts the same write in a transaction it keeps open until the writer's INSERT waits on its key, then commits. The
/// writer's attempt fails (23505) and rolls back; the endpoint's in-memory retry runs the message again in a new
/// message scope, whose DbContext no attempt used before. A context shared across attempts (the lost INSERT still
/// tracked as Added, the loser's audit row with it) fails every retry the same way: with durable redelivery off here,
/// the copy would end in the error queue, never counted as the duplicate it is.
/// </summary>
[TestFixture]
public class LostInsertRaceTests : WriterFixture
{
    [Test]
    public async Task A_copy_that_lost_the_insert_race_is_retried_on_a_fresh_context_audited_and_counted_once()
    {
        using var outcomes = new ProposalOutcomes();
        var logs = new LogCapture();

        _host = await WriterTestHost.StartAsync(Policies.Shipped, new Dictionary<string, string?>
        {
            // Only the in-memory retry may rescue the loser: a trip through the delay queues would be a new delivery.
            ["Redelivery:Total"] = "00:00:00",
            ["Writer:BulkGuard:MaxProposalsPerMinute"] = "0",
        }, b => b.Logging.AddProvider(logs));
        var proposal = Proposals.SetPriority($"LOST-{Guid.NewGuid():N}");

        await using (var winner = new WriterDbContext(new DbContextOptionsBuilder<WriterDbContext>().UseNpgsql(_host.Database.ConnectionString).Options))
        {
            await using var tx = await winner.Database.BeginTransactionAsync();
            winner.Writes.Add(HeldWrite(proposal));
            winner.Audit.Add(new AuditEntry { CorrelationId = proposal.CorrelationId, At = DateTimeOffset.UtcNow, Action = "proposed", Actor = "system" });
            await winner.SaveChangesAsync();

            await _host.ProposeAsync(proposal);
            // The writer found no row (the winner's is not committed), decided, and its INSERT now waits on the key.
            await Eventually.Until(() => _host.Database.ScalarAsync<long>(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"),
                n => n >= 1, TimeSpan.FromSeconds(30), "the writer's INSERT waiting on the winner's key");
            await tx.CommitAsync();
        }

        await Eventually.Until(() => _host.Database.ScalarAsync<long>(
                $"SELECT \"DuplicateCount\" FROM write_approvals WHERE \"CorrelationId\" = '{proposal.CorrelationId}'"),
            n => n == 1, TimeSpan.FromSeconds(30), "the losing copy handled as a duplicate by its retry");
        await Eventually.Until(() => Task.FromResult(outcomes["duplicate"]), n => n == 1,
            TimeSpan.FromSeconds(10), "the duplicate counted");

        var audit = await _host.Database.ScalarAsync<long>($"SELECT count(*) FROM write_audit WHERE \"CorrelationId\" = '{proposal.CorrelationId}'");
        Assert.Multiple(() =>
        {
            Assert.That(audit, Is.EqualTo(1), "only the winner's audit row: the lost attempt's rolled back and was not written again");
            Assert.That(outcomes["held"], Is.EqualTo(0), "the lost attempt's hold was never counted (it did not commit)");
            Assert.That(outcomes["duplicate"], Is.EqualTo(1));
            Assert.That(logs.Lines.Where(l => l.Contains("Held " + proposal.IdempotencyKey, StringComparison.Ordinal)), Is.Empty,
                "no \"Held\" line for the lost attempt: the log says what committed, as the counts do");
        });

        // The read-only repositories (no lock, no transaction) on the same scoped DbContext registration.
        var load = _host.Writer.Services.GetRequiredService<ILoadSagaRepository<WriteApprovalState>>();
        var query = _host.Writer.Services.GetRequiredService<IQuerySagaRepository<WriteApprovalState>>();
        var loaded = await load.Load(proposal.CorrelationId);
        var found = await query.Find(new SagaQuery<WriteApprovalState>(w => w.IdempotencyKey == proposal.IdempotencyKey));
        Assert.Multiple(() =>
        {
            Assert.That(loaded?.CurrentState, Is.EqualTo(WriteStates.AwaitingApproval));
            Assert.That(loaded?.DuplicateCount, Is.EqualTo(1));
            Assert.That(found, Is.EqualTo(new[] { proposal.CorrelationId }));
        });
    }

    /// <summary>The write as the winning writer would hold it.</summary>
    private static WriteApprovalState HeldWrite(ProposeWrite proposal) => new()
    {
        CorrelationId = proposal.CorrelationId,
        CurrentState = WriteStates.AwaitingApproval,
        IdempotencyKey = proposal.IdempotencyKey,
        Source = proposal.Source,
        ExternalId = proposal.ExternalId,
        Kind = proposal.Kind,
        Changes = ProposalContent.ToJson(proposal.Changes),
        ContentHash = WriteContent.Hash(proposal),
        RecordCount = proposal.RecordCount,
        Subject = proposal.Subject,
        Excerpt = proposal.Excerpt,
        ProposedAt = proposal.ProposedAt,
        UpdatedAt = proposal.ProposedAt,
        ExpiresAt = proposal.ProposedAt.AddDays(3),
        Adapter = "journal",
    };
}
