using Agents.Contracts;
using Agents.Harness;
using Agents.Testing;
using Agents.Writer.Expiry;
using Agents.Writer.Sagas;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using NUnit.Framework;

namespace Agents.Writer.Tests;

/// <summary>
/// A sweep publishes inside a transaction that holds its advisory lock. While the broker blocks publishers (a memory
/// or disk alarm) a publish is never confirmed: the sweep must give up within its deadline, not hold that transaction
/// (and PostgreSQL's vacuum horizon with it) for as long as the alarm lasts, and the write it could not publish must
/// stay due for the next sweep. On a broker of the test's own.
/// </summary>
[TestFixture]
public class SweepBrokerAlarmTests : WriterFixture
{
    [Test]
    public async Task A_sweep_during_a_broker_alarm_gives_up_in_time_and_the_next_publishes_the_write()
    {
        await using var broker = await OwnBroker.StartAsync();
        _host = await WriterTestHost.StartAsync(settings: new Dictionary<string, string?>(broker.Settings)
        {
            ["Writer:SweepInterval"] = "01:00:00", // the test sweeps by hand
            ["Writer:SweepPublishTimeout"] = "00:00:02",
            // RabbitMQ.Client waits an unanswered operation out this long whatever its caller's token says (shipped 20 s).
            ["RabbitMq:ContinuationTimeout"] = "00:00:03",
        });
        var p = Proposals.SetPriority("T-alarm-sweep");
        await _host.ProposeAsync(p);
        await _host.WaitForStateAsync(p.CorrelationId, WriteStates.AwaitingApproval);
        await _host.Database.ScalarAsync<long>(
            $"WITH u AS (UPDATE write_approvals SET \"ExpiresAt\" = now() - interval '1 hour' WHERE \"CorrelationId\" = '{p.CorrelationId}' RETURNING 1) SELECT count(*) FROM u");
        var sweeper = _host.Writer.Services.GetServices<IHostedService>().OfType<ExpirySweeper>().Single();

        await broker.Node.SetMemoryAlarmAsync(raised: true);
        var sweep = sweeper.SweepOnceAsync(CancellationToken.None);
        var ended = await Task.WhenAny(sweep, Task.Delay(TimeSpan.FromSeconds(60)));
        Assert.That(ended, Is.SameAs(sweep), "the sweep gave up within a minute of an alarm that outlasts it");
        Assert.That(async () => await sweep, Throws.InstanceOf<TimeoutException>(), "a sweep that could not publish fails, and says why");
        Assert.That(await _host.Database.ScalarAsync<long>(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND state LIKE 'idle in transaction%'"),
            Is.Zero, "no transaction left open");
        // Not counted as published: the next sweep tries the write again (and, the alarm still on, fails the same),
        // where one that recorded it first would find nothing to do until RepublishAfter.
        Assert.That(async () => await sweeper.SweepOnceAsync(CancellationToken.None), Throws.InstanceOf<TimeoutException>(),
            "the write is still due at the next sweep");

        // Once the broker takes messages again the write expires: by a copy the failed sweeps left in the connection,
        // which the broker reads once the alarm clears, or by the next sweep's.
        await broker.Node.SetMemoryAlarmAsync(raised: false);
        await Eventually.Until(async () =>
        {
            try
            {
                await sweeper.SweepOnceAsync(CancellationToken.None);
            }
            catch (TimeoutException)
            {
                // the broker still catching up: the next try
            }
            return await _host.StateAsync(p.CorrelationId);
        }, s => s == WriteStates.Expired, TimeSpan.FromSeconds(60), "the write expired once the alarm cleared");
    }
}
