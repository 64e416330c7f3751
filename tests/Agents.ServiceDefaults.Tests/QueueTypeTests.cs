using Agents.Harness;
using Agents.ServiceDefaults.Redelivery;
using Agents.Testing;
using RabbitMQ.Client;

namespace Agents.ServiceDefaults.Tests;

/// <summary>The queues every endpoint gets, of the configured type, and what quorum's delivery limit does with a poisoned message.</summary>
[TestFixture, Parallelizable(ParallelScope.Children)]
public class QueueTypeTests
{
    [Test]
    public async Task By_default_every_queue_we_own_is_a_quorum_queue_and_only_the_endpoint_has_a_delivery_limit()
    {
        await using var broker = await IsolatedBroker.CreateAsync();
        await using (await BusHost.StartAsync(broker, new ProbeRecord()))
        {
        }
        var queues = (await broker.QueuesAsync()).ToDictionary(q => q.Name);
        var delayQueues = new RedeliverySchedule().DistinctDelays().Select(RedeliverySchedule.QueueName).ToList();
        Assert.Multiple(() =>
        {
            var endpoint = queues[BusHost.Queue];
            Assert.That(endpoint.Type, Is.EqualTo("quorum"));
            Assert.That(endpoint.Arguments["x-delivery-limit"], Is.EqualTo("20"));
            Assert.That(endpoint.Arguments["x-dead-letter-exchange"], Is.EqualTo("probe_error"), "a poisoned message goes to _error");
            Assert.That(endpoint.Arguments["x-dead-letter-strategy"], Is.EqualTo("at-least-once"));
            var error = queues["probe_error"];
            Assert.That(error.Type, Is.EqualTo("quorum"), "the error queue exists before anything failed, and is quorum too");
            Assert.That(error.Arguments.Keys, Is.EquivalentTo(new[] { "x-queue-type" }), "nothing that could drop what lands in _error");
            foreach (var name in delayQueues)
                Assert.That(queues[name].Type, Is.EqualTo("quorum"), name);
        });
    }

    [Test]
    public async Task Configured_classic_every_queue_we_own_is_classic()
    {
        await using var broker = await IsolatedBroker.CreateAsync();
        await using (await BusHost.StartAsync(broker, new ProbeRecord(), new Dictionary<string, string?> { ["RabbitMq:QueueType"] = "classic" }))
        {
        }
        var queues = (await broker.QueuesAsync()).ToDictionary(q => q.Name);
        Assert.Multiple(() =>
        {
            Assert.That(queues[BusHost.Queue].Type, Is.EqualTo("classic"));
            Assert.That(queues[BusHost.Queue].Arguments.Keys, Is.EquivalentTo(new[] { "x-queue-type" }));
            Assert.That(queues["probe_error"].Type, Is.EqualTo("classic"));
            Assert.That(queues["agents-redelivery-10s"].Type, Is.EqualTo("classic"));
            Assert.That(queues["agents-redelivery-10s"].Arguments["x-message-ttl"], Is.EqualTo("10000"));
        });
    }

    [Test]
    public async Task A_message_returned_unacknowledged_past_the_delivery_limit_goes_to_error_not_round_and_round()
    {
        await using var broker = await IsolatedBroker.CreateAsync();
        await using (await BusHost.StartAsync(broker, new ProbeRecord(), new Dictionary<string, string?> { ["RabbitMq:DeliveryLimit"] = "2" }))
        {
        }
        var id = Guid.NewGuid();
        await RawMessages.PublishAsync(broker, BusHost.Queue, "", [(id, RawMessages.Envelope(id, "poison"))]);

        // A consumer that dies on the message, again and again: each time the broker gets it back unacknowledged.
        await using var connection = await broker.ConnectionFactory().CreateConnectionAsync();
        var returned = 0;
        while (returned < 10)
        {
            await using var channel = await connection.CreateChannelAsync();
            if (await channel.BasicGetAsync(BusHost.Queue, autoAck: false) is not { } message)
                break;
            await channel.BasicNackAsync(message.DeliveryTag, multiple: false, requeue: true);
            returned++;
        }

        await Eventually.Until(() => broker.MessagesNowAsync(["probe_error"]), n => n == 1,
            TimeSpan.FromSeconds(20), "the poisoned message in probe_error");
        var left = await broker.MessagesNowAsync([BusHost.Queue]);
        Assert.Multiple(() =>
        {
            Assert.That(returned, Is.EqualTo(3), "handed out the first time and twice more (the limit), then no more");
            Assert.That(left, Is.Zero);
        });
        await using var look = await connection.CreateChannelAsync();
        var dead = await look.BasicGetAsync("probe_error", autoAck: true);
        Assert.Multiple(() =>
        {
            Assert.That(dead?.BasicProperties.MessageId, Is.EqualTo(id.ToString()), "the same message, kept as it was");
            Assert.That(System.Text.Encoding.UTF8.GetString((byte[])dead!.BasicProperties.Headers!["x-first-death-reason"]!), Is.EqualTo("delivery_limit"));
        });
    }
}
