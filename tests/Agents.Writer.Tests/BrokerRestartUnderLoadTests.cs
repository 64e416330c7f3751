using System.Diagnostics;
using Agents.Harness;
using Agents.ServiceDefaults.Publishing;
using Agents.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NUnit.Framework;

namespace Agents.Writer.Tests;

/// <summary>
/// The broker restarts three times, each while the writer applies 500 auto-approved writes. Some of the writer's
/// publishes were on their way when the channel closed (the saga's <c>ApplyWrite</c>, the apply consumer's
/// <c>WriteApplied</c>), and RabbitMQ.Client 7.2.2 can leave such a publish waiting for a confirmation that never comes:
/// the closed channel still held their pending confirmations (seen in a memory dump of this test on the old code, the
/// channel disposed with seven of them). No token ends that wait, so those messages stayed in hand for good, and with enough of them the saga
/// endpoint handled nothing more (before, with one restart among 1,000 writes: 38, 998 and 996 of them applied after
/// four minutes in three runs; a restart caught a publish in flight in about two runs of three).
/// Now the instance stops for its supervisor once a send has waited past <c>RabbitMq:StopWhenSendUnconfirmedFor</c>,
/// and the test starts a new writer as the supervisor would. On a broker of the test's own.
/// The re-drive sweeper keeps its shipped 10 minutes: a publish that failed as the broker stopped, after its write's
/// decision committed, is sent again by the decision's own copy when it comes back (<see cref="LostApplyWriteTests"/>;
/// before, 14 writes of one run waited for the sweeper, so the test set it to 30 s).
/// </summary>
[TestFixture]
public class BrokerRestartUnderLoadTests : WriterFixture
{
    private const int Rounds = 3;
    private const int WritesARound = 500;

    private const string AutoApproved = """
        { "permissions": { "write:set-priority": { "allowed": true, "requires_approval": false } } }
        """;

    [Test]
    public async Task Every_write_is_applied_once_after_the_broker_restarts_under_load()
    {
        await using var broker = await OwnBroker.StartAsync();
        var logs = new LogCapture();
        var host = _host = await WriterTestHost.StartAsync(AutoApproved, new Dictionary<string, string?>(broker.Settings)
        {
            ["Writer:BulkGuard:MaxProposalsPerMinute"] = "0",
            ["RabbitMq:StopWhenSendUnconfirmedFor"] = "00:00:10",
        }, b => b.Logging.AddProvider(logs));
        // A restart catches a publish in flight in about two runs of three: three restarts, so the old code fails.
        var replaced = 0;
        for (var round = 0; round < Rounds; round++)
        {
            var total = (round + 1) * WritesARound;
            for (var i = round * WritesARound; i < total; i += 50)
                await Task.WhenAll(Enumerable.Range(i, 50).Select(j => host.ProposeAsync(Proposals.SetPriority($"T-restart-{j}"))));
            await Eventually.Until(() => AppliedAsync(host), n => n >= total - WritesARound + 20, TimeSpan.FromSeconds(60), "the writer applying");

            await broker.Node.StopNodeAsync(broker.Port);
            await Task.Delay(TimeSpan.FromSeconds(2));
            await broker.Node.StartNodeAsync(broker.Port);

            var clock = Stopwatch.StartNew();
            long applied;
            while ((applied = await AppliedAsync(host)) < total && clock.Elapsed < TimeSpan.FromMinutes(2))
            {
                if (host.Writer.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.IsCancellationRequested)
                {
                    TestContext.Out.WriteLine($"round {round}: the writer stopped itself: {host.Writer.Services.GetRequiredService<SupervisorExit>().Reason}");
                    await host.ReplaceWriterAsync();
                    replaced++;
                }
                await Task.Delay(500);
            }
            TestContext.Out.WriteLine($"round {round}: {applied} of {total} applied {clock.Elapsed.TotalSeconds:0.0} s after the restart");
            // Where anything still waits, and which queue has no consumer, for whoever reads a failure.
            TestContext.Out.WriteLine(await broker.QueuesAsync());
            Assert.That(applied, Is.EqualTo(total), $"every write applied after restart {round + 1}");
        }
        TestContext.Out.WriteLine($"the writer was replaced {replaced} time(s)");

        Assert.That(await host.CountAsync("FROM crm_journal"), Is.EqualTo(Rounds * WritesARound), "each applied once");

        // A publish still waiting for its confirmation ends only when its bus stops, with an S-FAULT line: stopping the
        // writer now says whether it kept any (the old code's run kept 11, the messages that sent them in hand all along).
        var faultsBefore = SendFaults(logs);
        await host.ReplaceWriterAsync();
        Assert.That(SendFaults(logs) - faultsBefore, Is.Zero, "publishes left waiting for a confirmation, faulted when the writer stopped");
    }

    private static int SendFaults(LogCapture logs) => logs.Lines.Count(l => l.Contains("S-FAULT"));

    private static Task<long> AppliedAsync(WriterTestHost host) => host.CountAsync("FROM write_approvals WHERE \"CurrentState\" = 'Applied'");
}
