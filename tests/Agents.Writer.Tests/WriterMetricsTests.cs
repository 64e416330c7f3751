using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Agents.Harness;
using Agents.Testing;
using Agents.Writer.Sagas;
using Agents.Writer.Telemetry;
using NUnit.Framework;

namespace Agents.Writer.Tests;

/// <summary>The writer's instruments (meter Agents.Writer) count what the saga and the adapter did.</summary>
[TestFixture]
public class WriterMetricsTests : WriterFixture
{
    [Test]
    public async Task Proposals_bulk_trips_and_crm_writes_are_counted_with_their_tags()
    {
        var seen = new ConcurrentQueue<(string Instrument, string Tags)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == WriterMetrics.MeterName)
                l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((instrument, _, tags, _) =>
            seen.Enqueue((instrument.Name, string.Join(",", tags.ToArray().Select(t => $"{t.Key}={t.Value}")))));
        listener.Start();

        _host = await WriterTestHost.StartAsync(Policies.Example, new Dictionary<string, string?>
        {
            ["Writer:BulkGuard:MaxRecordsPerProposal"] = "10",
        });
        var held = Proposals.SetPriority("M-1");
        var auto = Proposals.AddTags("M-2", "vip", confidence: 0.99);
        var refused = Proposals.SetCategory("M-3", "billing");
        await _host.ProposeAsync(held);
        await _host.WaitForStateAsync(held.CorrelationId, WriteStates.AwaitingApproval);
        await _host.ProposeAsync(held);
        await _host.ProposeAsync(auto);
        await _host.ProposeAsync(refused);
        await _host.WaitForStateAsync(auto.CorrelationId, WriteStates.Applied);
        await _host.WaitForStateAsync(refused.CorrelationId, WriteStates.Refused);
        var bulk = Proposals.SetPriority("M-4", recordCount: 11);
        await _host.ProposeAsync(bulk);
        await _host.WaitForStateAsync(bulk.CorrelationId, WriteStates.HeldForBulkReview);
        await Eventually.Until(() => Task.FromResult(seen.Count(s => s.Tags == "outcome=duplicate")), n => n >= 1, TimeSpan.FromSeconds(10), "the duplicate counted");

        var proposals = seen.Where(s => s.Instrument == "agents.writer.proposals").Select(s => s.Tags).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(proposals, Does.Contain("outcome=held"));
            Assert.That(proposals, Does.Contain("outcome=duplicate"));
            Assert.That(proposals, Does.Contain("outcome=auto_approved"));
            Assert.That(proposals, Does.Contain("outcome=refused"));
            Assert.That(proposals, Does.Contain("outcome=bulk_held"));
            Assert.That(seen, Does.Contain(("agents.writer.bulk_guard.trips", "kind=set-priority")));
            Assert.That(seen, Does.Contain(("agents.writer.crm.writes", "adapter=journal,outcome=applied")));
        });
    }

    [Test]
    public async Task First_copies_racing_on_two_writers_are_counted_once_each()
    {
        using var outcomes = new ProposalOutcomes();

        // 200 proposals of one kind at once: the bulk guard would hold most of them, and this test counts holds.
        var guardOff = new Dictionary<string, string?> { ["Writer:BulkGuard:MaxProposalsPerMinute"] = "0" };
        _host = await WriterTestHost.StartAsync(Policies.Shipped, guardOff);
        var policy = Policies.WriteToTempFile(Policies.Shipped);
        try
        {
            // A second writer on the same queue and database: the copies of a key land on both at once.
            await using var second = await RunningService.StartAsync(WriterService.Build,
                [_host.Broker.Settings, _host.Database.Settings, guardOff, new Dictionary<string, string?> { ["Writer:PolicyFile"] = policy }]);
            const int keys = 200, copies = 4;
            var proposals = Enumerable.Range(0, keys).Select(i => Proposals.SetPriority($"RACE-{i}")).ToList();
            await Task.WhenAll(proposals.SelectMany(p => Enumerable.Repeat(p, copies)).Select(_host.ProposeAsync));

            await Eventually.Until(() => _host.Database.ScalarAsync<long>("SELECT coalesce(sum(\"DuplicateCount\"), 0) FROM write_approvals"),
                n => n == keys * (copies - 1), TimeSpan.FromSeconds(60), "every copy handled");
            await Eventually.Until(() => Task.FromResult(outcomes["duplicate"]), n => n == keys * (copies - 1),
                TimeSpan.FromSeconds(10), "the duplicates counted");
            Assert.That(await _host.CountAsync("FROM write_approvals WHERE \"CurrentState\" = 'AwaitingApproval'"), Is.EqualTo(keys));
            Assert.Multiple(() =>
            {
                Assert.That(outcomes["held"], Is.EqualTo(keys),
                    "one hold per key: a first copy that lost the race and was retried is not counted again");
                Assert.That(outcomes["duplicate"], Is.EqualTo(keys * (copies - 1)));
            });
        }
        finally
        {
            File.Delete(policy);
        }
    }
}
