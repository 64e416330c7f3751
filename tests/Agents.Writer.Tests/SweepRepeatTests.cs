using Agents.Contracts;
using Agents.Harness;
using Agents.Testing;
using Agents.Writer.Expiry;
using Agents.Writer.Persistence;
using Agents.Writer.Redrive;
using Agents.Writer.Sagas;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using NUnit.Framework;

namespace Agents.Writer.Tests;

/// <summary>
/// A sweeper publishes a write's message once for the write as it stands, not on every sweep while the saga has not
/// handled the copy it has: with the saga behind (here its row held by another session; in a fault run, both writers'
/// saga endpoints stalled after a broker restart) the re-drive sweep every 2 s filled the saga's queue with 17,000
/// copies of the same 154 re-drives, each to be handled once the saga moved again.
/// </summary>
[TestFixture]
public class SweepRepeatTests : WriterFixture
{
    private static readonly Dictionary<string, string?> Settings = new()
    {
        ["Writer:SweepInterval"] = "01:00:00", // the test sweeps by hand
    };

    [Test]
    public async Task A_write_stuck_applying_is_redriven_once_while_the_saga_has_not_handled_it()
    {
        // Decided, its ApplyWrite sent an hour ago and never answered.
        var p = await ProposedAsync("T-redrive-once",
            "\"CurrentState\" = 'Applying', \"ApplyAttempt\" = 1, \"DecidedAt\" = now(), \"ApplyRequestedAt\" = now() - interval '1 hour'");

        var published = await SweepWhileHeldAsync<RedriveSweeper, RedriveWrite>(p.CorrelationId);

        Assert.That(published, Is.EqualTo(1), "one RedriveWrite for the stuck attempt over three sweeps");
        // Once the saga has handled it (a new request time), the write is no longer due: nothing more.
        await Eventually.Until(() => _host!.HistoryAsync(p.CorrelationId), h => h.Contains("redriven"), TimeSpan.FromSeconds(30),
            "the saga's redrive once the row was free");
        Assert.That(await Sweeper<RedriveSweeper>().SweepOnceAsync(CancellationToken.None), Is.Zero);
    }

    [Test]
    public async Task A_write_past_its_time_is_expired_once_while_the_saga_has_not_handled_it()
    {
        var p = await ProposedAsync("T-expire-once", "\"ExpiresAt\" = now() - interval '1 hour'");

        var published = await SweepWhileHeldAsync<ExpirySweeper, ExpireWrite>(p.CorrelationId);

        Assert.That(published, Is.EqualTo(1), "one ExpireWrite over three sweeps");
        await _host!.WaitForStateAsync(p.CorrelationId, WriteStates.Expired);
    }

    /// <summary>A write proposed and waiting for approval, then changed by hand (<paramref name="set"/>) into the state the test needs.</summary>
    private async Task<ProposeWrite> ProposedAsync(string externalId, string set)
    {
        _host = await WriterTestHost.StartAsync(settings: Settings);
        var p = Proposals.SetPriority(externalId);
        await _host.ProposeAsync(p);
        await _host.WaitForStateAsync(p.CorrelationId, WriteStates.AwaitingApproval);
        await _host.Database.ScalarAsync<long>(
            $"WITH u AS (UPDATE write_approvals SET {set} WHERE \"CorrelationId\" = '{p.CorrelationId}' RETURNING 1) SELECT count(*) FROM u");
        return p;
    }

    private TSweeper Sweeper<TSweeper>() where TSweeper : LockedSweeper =>
        _host!.Writer.Services.GetServices<IHostedService>().OfType<TSweeper>().Single();

    /// <summary>
    /// Three sweeps while a session of the test's holds the write's row (the saga cannot handle what they publish);
    /// returns what the sweeps said they published, checked against the copies the broker routed.
    /// </summary>
    private async Task<int> SweepWhileHeldAsync<TSweeper, TMessage>(Guid write) where TSweeper : LockedSweeper
    {
        await using var probe = await BusProbe.StartAsync(_host!.Broker, typeof(TMessage));
        await using var session = new NpgsqlConnection(_host.Database.ConnectionString);
        await session.OpenAsync();
        await using var tx = await session.BeginTransactionAsync();
        await using (var hold = new NpgsqlCommand($"SELECT 1 FROM write_approvals WHERE \"CorrelationId\" = '{write}' FOR UPDATE", session, tx))
            await hold.ExecuteScalarAsync();

        var published = 0;
        for (var sweep = 0; sweep < 3; sweep++)
            published += await Sweeper<TSweeper>().SweepOnceAsync(CancellationToken.None);
        await Eventually.Until(() => Task.FromResult(probe.Count), n => n >= published, TimeSpan.FromSeconds(10), "the sweeps' messages routed");
        Assert.That(probe.Count, Is.EqualTo(published));
        await tx.RollbackAsync();
        return published;
    }
}
