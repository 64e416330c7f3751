using Agents.Contracts;
using Agents.Harness;
using Agents.Testing;
using MassTransit;
using NUnit.Framework;

namespace Agents.Writer.Tests;

/// <summary>
/// The founding race, proven: 3 writer processes on one broker and one database receive 1,000 keys × 5 copies of
/// each proposal at once, then 1,000 approvals. Exactly 1,000 held writes and 1,000 journal rows, the 4,000 extra
/// copies counted as duplicates; and the same when one writer is SIGKILLed mid-run (its unacked messages are
/// redelivered to the survivors, and a decision whose ApplyWrite died with it is sent again by its redelivered
/// approval, or else re-driven: none lost, none applied twice).
/// </summary>
[TestFixture]
[NonParallelizable]
public class RaceTests
{
    private const int Keys = 1000;
    private const int Copies = 5;
    private static readonly TimeSpan PhaseTimeout = TimeSpan.FromSeconds(150);

    [Test]
    public Task Three_writers_hold_each_key_once_and_apply_each_approval_once() => RunAsync(killOneWriter: false);

    [Test]
    public Task Three_writers_with_one_killed_mid_run_still_apply_each_key_exactly_once() => RunAsync(killOneWriter: true);

    private static async Task RunAsync(bool killOneWriter)
    {
        // A write whose ApplyWrite died with the killed instance (decision committed, nothing published) is sent
        // again by its approval, redelivered to a survivor; the re-drive sweeper is the net behind that, quick here
        // so the run would not wait the shipped ten minutes for it. The bulk guard is off: 1,000 proposals of one kind
        // in seconds is what it holds, and this test is about the race.
        await using var cluster = await WriterCluster.StartAsync(3, Policies.Shipped, new Dictionary<string, string?>
        {
            ["Writer:ApplyStuckAfter"] = "00:00:10",
            ["Writer:SweepInterval"] = "00:00:01",
            ["Writer:BulkGuard:MaxProposalsPerMinute"] = "0",
        });
        var (bus, database) = (cluster.Bus, cluster.Database);
        var prefix = Guid.NewGuid().ToString("N")[..6];
        var proposals = Enumerable.Range(0, Keys).Select(i => Proposals.SetPriority($"R{prefix}-{i}")).ToList();

        // Every copy of every key at once, in shuffled order, so copies of one key reach different instances together.
        var copies = proposals.SelectMany(p => Enumerable.Repeat(p, Copies)).OrderBy(_ => Random.Shared.Next()).ToList();
        await Parallel.ForEachAsync(copies, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (p, ct) => await bus.Publish(p, ct));

        await Eventually.Until(() => database.ScalarAsync<long>(
                "SELECT count(*) * 100000 + coalesce(sum(\"DuplicateCount\"), 0) FROM write_approvals"),
            v => v >= Keys * 100000L + Keys * (Copies - 1), PhaseTimeout, $"{Keys} held writes and {Keys * (Copies - 1)} duplicates");

        var approvals = Task.Run(() => Parallel.ForEachAsync(proposals, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (p, ct) =>
            await bus.Publish(new ApproveWrite
            {
                CorrelationId = p.CorrelationId, Approver = "race", ContentHash = WriteContent.Hash(p), Reason = "bulk test", DecidedAt = DateTimeOffset.UtcNow,
            }, ct)));

        if (killOneWriter)
        {
            // In the middle of applying: some ApplyWrite/WriteApplied messages are in flight on the victim.
            await Eventually.Until(() => database.ScalarAsync<long>("SELECT count(*) FROM crm_journal"),
                n => n >= Keys / 4, PhaseTimeout, "a quarter of the writes applied");
            await cluster.Writers[1].KillAsync();
            Assert.That(cluster.Writers[1].HasExited, Is.True);
        }
        await approvals;

        await Eventually.Until(() => database.ScalarAsync<long>("SELECT count(*) FROM write_approvals WHERE \"CurrentState\" = 'Applied'"),
            n => n >= Keys, PhaseTimeout, $"{Keys} writes Applied");
        await Task.Delay(2000); // let any redelivered copy land before counting

        var journal = await database.ScalarAsync<long>("SELECT count(*) FROM crm_journal");
        var distinctJournal = await database.ScalarAsync<long>("SELECT count(DISTINCT \"IdempotencyKey\") FROM crm_journal");
        var sagas = await database.ScalarAsync<long>("SELECT count(*) FROM write_approvals");
        var applied = await database.ScalarAsync<long>("SELECT count(*) FROM write_approvals WHERE \"CurrentState\" = 'Applied'");
        var duplicates = await database.ScalarAsync<long>("SELECT sum(\"DuplicateCount\") FROM write_approvals");
        var approvedAudits = await database.ScalarAsync<long>("SELECT count(*) FROM write_audit WHERE \"Action\" = 'approved'");
        var redriven = await database.ScalarAsync<long>("SELECT count(*) FROM write_audit WHERE \"Action\" = 'redriven'");
        var resent = await database.ScalarAsync<long>("SELECT count(*) FROM write_audit WHERE \"Action\" = 'resent'");
        TestContext.Out.WriteLine($"journal={journal} sagas={sagas} applied={applied} duplicates={duplicates} approved={approvedAudits} redriven={redriven} resent={resent}");
        Assert.Multiple(() =>
        {
            Assert.That(journal, Is.EqualTo(Keys), "journal rows");
            Assert.That(distinctJournal, Is.EqualTo(Keys), "distinct keys in the journal");
            Assert.That(sagas, Is.EqualTo(Keys), "saga rows");
            Assert.That(applied, Is.EqualTo(Keys), "Applied sagas");
            Assert.That(approvedAudits, Is.EqualTo(Keys), "one approval decision per write");
            if (killOneWriter)
                Assert.That(duplicates, Is.EqualTo(Keys * (Copies - 1)), "the kill came after the proposals: duplicates unchanged");
            else
                Assert.That(duplicates, Is.EqualTo(Keys * (Copies - 1)), "duplicates counted");
        });
    }
}
