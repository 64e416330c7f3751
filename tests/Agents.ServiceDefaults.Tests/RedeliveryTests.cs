using Agents.Harness;
using Agents.ServiceDefaults.Redelivery;
using Agents.Testing;

namespace Agents.ServiceDefaults.Tests;

/// <summary>
/// The durable redelivery on a real broker, through the bus every service registers: a message still failing on a
/// transient fault after its in-memory retries waits in a delay queue and comes back as it was; a permanent fault,
/// or the end of the schedule, puts it in _error.
/// </summary>
[TestFixture, Parallelizable(ParallelScope.Children)]
public class RedeliveryTests
{
    private static readonly Dictionary<string, string?> OneSecondThenTwo = new()
    {
        ["Redelivery:Delays:0"] = "00:00:01",
        ["Redelivery:Delays:1"] = "00:00:02",
        ["Redelivery:Total"] = "00:00:03",
    };

    [Test]
    public async Task A_transient_failure_past_the_retries_comes_back_from_the_delay_queue_as_it_was()
    {
        await using var broker = await IsolatedBroker.CreateAsync();
        var record = new ProbeRecord();
        await using var host = await BusHost.StartAsync(broker, record, OneSecondThenTwo);

        var trace = await host.PublishAsync(new Probe { Name = "p1", Behaviour = "transient-once" });

        var seen = await Eventually.Until(() => Task.FromResult(record.Of("p1")), d => d.Any(x => x.RedeliveryCount == 1),
            TimeSpan.FromSeconds(30), "the redelivered copy");
        var first = seen.First(d => d.RedeliveryCount == 0);
        var again = seen.Single(d => d.RedeliveryCount == 1);
        Assert.Multiple(() =>
        {
            Assert.That(seen.Count(d => d.RedeliveryCount == 0), Is.EqualTo(2), "the first delivery and its one in-memory retry");
            Assert.That(again.MessageId, Is.EqualTo(first.MessageId), "same message id, so duplicate checks downstream still see one message");
            Assert.That(again.ConversationId, Is.EqualTo(first.ConversationId));
            Assert.That(again.Marker, Is.EqualTo("marker-p1"), "the publisher's headers travel with it");
            Assert.That(again.TraceId, Is.EqualTo(trace), "the redelivered copy is handled in the publisher's trace");
            Assert.That(again.HasBrokerDeathHeaders, Is.True, "it came back through the broker's dead-lettering");
            Assert.That(again.At - first.At, Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(1)), "it waited the first delay");
        });
        var queues = await Eventually.Until(broker.QueuesAsync, q => q.Any(x => x.Name == "agents-redelivery-1s"), TimeSpan.FromSeconds(10), "the delay queue");
        var delay = queues.Single(q => q.Name == "agents-redelivery-1s");
        Assert.Multiple(() =>
        {
            Assert.That(delay.Type, Is.EqualTo("quorum"));
            Assert.That(delay.Arguments["x-message-ttl"], Is.EqualTo("1000"));
            Assert.That(delay.Arguments["x-dead-letter-exchange"], Is.EqualTo("agents-redelivery"), "back through the redelivery exchange, by routing key");
            Assert.That(delay.Arguments["x-dead-letter-strategy"], Is.EqualTo("at-least-once"));
        });
    }

    [Test]
    public async Task Each_redelivery_waits_the_next_delay_and_past_the_schedule_the_message_goes_to_error()
    {
        await using var broker = await IsolatedBroker.CreateAsync();
        var record = new ProbeRecord();
        await using var host = await BusHost.StartAsync(broker, record, OneSecondThenTwo);

        await host.PublishAsync(new Probe { Name = "p2", Behaviour = "transient" });

        await Eventually.Until(() => broker.MessagesNowAsync([BusHost.Queue + "_error"]), n => n == 1,
            TimeSpan.FromSeconds(40), "the message in _error once the schedule (1 s, 2 s) ran out");
        var delayQueues = (await broker.QueueNamesAsync()).Where(n => n.StartsWith("agents-redelivery-", StringComparison.Ordinal)).ToList();
        var waiting = await broker.MessagesNowAsync(delayQueues);
        var seen = record.Of("p2");
        var rounds = seen.GroupBy(d => d.RedeliveryCount).ToDictionary(g => g.Key, g => g.Min(d => d.At));
        Assert.Multiple(() =>
        {
            Assert.That(rounds.Keys, Is.EquivalentTo(new[] { 0, 1, 2 }), "delivered, then redelivered twice (1 s + 2 s fit the 3 s total)");
            Assert.That(seen, Has.Count.EqualTo(6), "each round with its in-memory retry");
            Assert.That(rounds[2] - rounds[1], Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(2)), "the second wait is the second delay");
            Assert.That(delayQueues, Is.Not.Empty, "the delay queues it went through");
            Assert.That(waiting, Is.Zero, "nothing left waiting in a delay queue");
        });
    }

    [Test]
    public async Task A_permanent_failure_goes_to_error_without_waiting_in_a_delay_queue()
    {
        await using var broker = await IsolatedBroker.CreateAsync();
        var record = new ProbeRecord();
        await using var host = await BusHost.StartAsync(broker, record, OneSecondThenTwo);

        await host.PublishAsync(new Probe { Name = "p3", Behaviour = "permanent" });

        await Eventually.Until(() => broker.MessagesNowAsync([BusHost.Queue + "_error"]), n => n == 1,
            TimeSpan.FromSeconds(20), "the message in _error");
        Assert.That(record.Of("p3").Select(d => d.RedeliveryCount), Is.EqualTo(new[] { 0, 0 }),
            "the first delivery and its in-memory retry, no redelivery");
    }

    [Test]
    public async Task A_message_waiting_in_a_delay_queue_outlives_a_restart_of_the_service()
    {
        await using var broker = await IsolatedBroker.CreateAsync();
        var record = new ProbeRecord();
        var slow = new Dictionary<string, string?> { ["Redelivery:Delays:0"] = "00:00:04" };
        var host = await BusHost.StartAsync(broker, record, slow);
        try
        {
            await host.PublishAsync(new Probe { Name = "p4", Behaviour = "transient-once" });
            await Eventually.Until(() => Task.FromResult(record.Of("p4").Count), n => n == 2, TimeSpan.FromSeconds(20),
                "the first delivery and its retry to fail");
        }
        finally
        {
            // Stopped while the message waits in the delay queue: nothing of it is left in the service.
            await host.DisposeAsync();
        }
        await using var restarted = await BusHost.StartAsync(broker, record, slow);

        var seen = await Eventually.Until(() => Task.FromResult(record.Of("p4")), d => d.Any(x => x.RedeliveryCount == 1),
            TimeSpan.FromSeconds(30), "the message to come back to the restarted service");
        Assert.That(seen.Count(d => d.RedeliveryCount == 1), Is.EqualTo(1));
    }
}
