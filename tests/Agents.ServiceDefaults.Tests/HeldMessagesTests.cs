using Agents.Harness;
using Agents.ServiceDefaults.Consuming;
using Agents.ServiceDefaults.Publishing;
using Agents.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Agents.ServiceDefaults.Tests;

/// <summary>
/// An instance that has been handling a message for far longer than any of our consumers takes (a send or a call
/// that never returns) stops, for its supervisor to start it afresh: a fault run's two writers each kept their saga
/// endpoint's messages in hand after a broker restart and handled nothing more for ten minutes, while they called
/// themselves healthy. Stopping returns what they hold to their queues.
/// </summary>
[TestFixture]
public sealed class HeldMessagesTests
{
    private static Task<BusHost> StartAsync(IsolatedBroker broker, ProbeRecord record) =>
        BusHost.StartAsync(broker, record, new Dictionary<string, string?> { ["RabbitMq:StopWhenMessageHeldFor"] = "00:00:04" });

    [Test]
    public async Task An_instance_holding_a_message_past_the_limit_stops_itself()
    {
        await using var broker = await IsolatedBroker.CreateAsync();
        var record = new ProbeRecord();
        await using var host = await StartAsync(broker, record);
        try
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            await host.PublishAsync(new Probe { Name = "wedged", Behaviour = "hang" });
            await Agents.Testing.Eventually.Until(() => Task.FromResult(host.Stopping.IsCancellationRequested), stopping => stopping,
                TimeSpan.FromSeconds(30), "the host to stop itself");
            Assert.Multiple(() =>
            {
                Assert.That(clock.Elapsed, Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(4)), "not before the limit");
                Assert.That(host.Services.GetRequiredService<SupervisorExit>().ExitCode, Is.EqualTo(SupervisorExit.TryAgain));
                Assert.That(host.Services.GetRequiredService<SupervisorExit>().Reason, Does.Contain("in hand for longer than"));
            });
        }
        finally
        {
            record.Release.TrySetResult(); // the wedged call returns, so the host's stop does not wait for it
        }
    }

    [Test]
    public async Task An_instance_holding_a_message_while_the_broker_blocks_publishers_runs_on()
    {
        // A memory alarm blocks every publisher of its node: on a broker of the test's own.
        await using var broker = await OwnBroker.StartAsync();
        var record = new ProbeRecord();
        var logs = new LogCapture();
        await using var host = await BusHost.StartAsync(broker.Settings, record,
            new Dictionary<string, string?> { ["RabbitMq:StopWhenMessageHeldFor"] = "00:00:04" }, logs);
        try
        {
            await host.PublishAsync(new Probe { Name = "held", Behaviour = "hang" });
            await Agents.Testing.Eventually.Until(() => Task.FromResult(record.Of("held").Count), n => n > 0, TimeSpan.FromSeconds(30), "the message in hand");
            await broker.Node.SetMemoryAlarmAsync(raised: true);

            await Task.Delay(TimeSpan.FromSeconds(12)); // three limits
            Assert.Multiple(() =>
            {
                Assert.That(host.Stopping.IsCancellationRequested, Is.False, "the broker's alarm is not the instance's to mend by restarting");
                Assert.That(logs.Lines, Has.Some.Contains("Not stopping although 1 message(s) in hand for longer than")
                    .And.Some.Contains("the broker blocks publishers (low on memory)"));
            });

            // The alarm cleared, the same message still in hand is the instance's own: it stops.
            await broker.Node.SetMemoryAlarmAsync(raised: false);
            await Agents.Testing.Eventually.Until(() => Task.FromResult(host.Stopping.IsCancellationRequested), stopping => stopping,
                TimeSpan.FromSeconds(30), "the host to stop itself once the broker no longer blocks");
            Assert.That(host.Services.GetRequiredService<SupervisorExit>().Reason, Does.Contain("in hand for longer than"));
        }
        finally
        {
            record.Release.TrySetResult();
        }
    }

    [Test]
    public async Task An_instance_whose_messages_finish_runs_on()
    {
        await using var broker = await IsolatedBroker.CreateAsync();
        var record = new ProbeRecord();
        await using var host = await StartAsync(broker, record);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (var n = 0; clock.Elapsed < TimeSpan.FromSeconds(8); n++)
        {
            await host.PublishAsync(new Probe { Name = $"ok-{n}", Behaviour = "ok" });
            await Task.Delay(200);
        }
        Assert.That(host.Stopping.IsCancellationRequested, Is.False);
        Assert.That(record.Deliveries, Is.Not.Empty);
    }
}
