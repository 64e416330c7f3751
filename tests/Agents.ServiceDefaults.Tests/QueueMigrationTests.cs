using Agents.Harness;
using Agents.ServiceDefaults.Queues;
using Agents.Testing;
using RabbitMQ.Client;

namespace Agents.ServiceDefaults.Tests;

/// <summary>
/// Switching a deployment from classic to quorum queues (RabbitMq:QueueType) with messages waiting: the start-up
/// step recreates each queue with its messages, however many instances start at once, and finishes what a crash
/// interrupted.
/// </summary>
[TestFixture, Parallelizable(ParallelScope.Children)]
public class QueueMigrationTests
{
    private static readonly Dictionary<string, string?> Classic = new()
    {
        ["RabbitMq:QueueType"] = "classic",
        ["Redelivery:Delays:0"] = "00:00:02",
    };

    private static readonly Dictionary<string, string?> Quorum = new()
    {
        ["RabbitMq:QueueType"] = "quorum",
        ["Redelivery:Delays:0"] = "00:00:02",
    };

    [Test]
    public async Task Classic_queues_with_messages_waiting_become_quorum_queues_and_every_message_arrives_once()
    {
        await using var broker = await IsolatedBroker.CreateAsync();
        var record = new ProbeRecord();
        await using (await BusHost.StartAsync(broker, record, Classic))
        {
        }
        // What an old deployment leaves behind: tickets waiting in the endpoint queue, faulted ones in _error, and one
        // waiting in a delay queue to come back to the endpoint.
        var waiting = Enumerable.Range(0, 30).Select(i => (Id: Guid.NewGuid(), Name: $"w{i}")).ToList();
        await RawMessages.PublishAsync(broker, BusHost.Queue, "", waiting.Select(w => (w.Id, RawMessages.Envelope(w.Id, w.Name))));
        var faulted = Enumerable.Range(0, 3).Select(_ => Guid.NewGuid()).ToList();
        await RawMessages.PublishAsync(broker, "probe_error", "", faulted.Select(id => (id, RawMessages.Envelope(id, "faulted"))));
        var delayed = Guid.NewGuid();
        await RawMessages.PublishAsync(broker, "agents-redelivery-2s", BusHost.Queue, [(delayed, RawMessages.Envelope(delayed, "delayed"))]);

        // Two instances of the new deployment start together; one recreates the queues, the other waits for it.
        var hosts = await Task.WhenAll(BusHost.StartAsync(broker, record, Quorum), BusHost.StartAsync(broker, record, Quorum));
        try
        {
            await Eventually.Until(() => Task.FromResult(record.Deliveries.Count), n => n >= 31, TimeSpan.FromSeconds(60),
                "every waiting message to arrive");
            await Task.Delay(TimeSpan.FromSeconds(3)); // a second copy would have arrived by now
        }
        finally
        {
            foreach (var host in hosts)
                await host.DisposeAsync();
        }

        var queues = (await broker.QueuesAsync()).ToDictionary(q => q.Name);
        Assert.Multiple(() =>
        {
            Assert.That(record.Deliveries.Select(d => d.Name), Is.EquivalentTo(waiting.Select(w => w.Name).Append("delayed")),
                "each waiting message arrived, once");
            Assert.That(record.Deliveries.Select(d => d.MessageId), Is.EquivalentTo(waiting.Select(w => (Guid?)w.Id).Append(delayed)),
                "with its own message id");
            Assert.That(queues[BusHost.Queue].Type, Is.EqualTo("quorum"));
            Assert.That(queues["probe_error"].Type, Is.EqualTo("quorum"));
            Assert.That(queues["agents-redelivery-2s"].Type, Is.EqualTo("quorum"));
            Assert.That(queues.Keys.Where(n => n.EndsWith("-migrating", StringComparison.Ordinal) || n == QueuePreparation.LockQueue), Is.Empty,
                "no holding queue or lock left behind");
        });
        await using var connection = await broker.ConnectionFactory().CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        var kept = new List<string?>();
        while (await channel.BasicGetAsync("probe_error", autoAck: true) is { } message)
            kept.Add(message.BasicProperties.MessageId);
        Assert.That(kept, Is.EquivalentTo(faulted.Select(f => f.ToString())), "the faulted messages wait in _error as before");
    }

    [Test]
    public async Task A_migration_cut_short_after_the_old_queue_was_deleted_is_finished_at_the_next_start()
    {
        await using var broker = await IsolatedBroker.CreateAsync();
        var record = new ProbeRecord();
        await using (await BusHost.StartAsync(broker, record, Quorum))
        {
        }
        // The state a crash leaves between deleting the old queue and declaring the new one: the messages in the
        // holding queue, the endpoint's exchange leading there.
        var holding = QueueMigration.HoldingName(BusHost.Queue);
        await using (var connection = await broker.ConnectionFactory().CreateConnectionAsync())
        await using (var channel = await connection.CreateChannelAsync())
        {
            await channel.QueueDeleteAsync(BusHost.Queue);
            await channel.QueueDeclareAsync(holding, durable: true, exclusive: false, autoDelete: false,
                new Dictionary<string, object?> { ["x-queue-type"] = "quorum" });
            await channel.QueueBindAsync(holding, BusHost.Queue, "");
        }
        var held = Enumerable.Range(0, 5).Select(i => (Id: Guid.NewGuid(), Name: $"h{i}")).ToList();
        await RawMessages.PublishAsync(broker, BusHost.Queue, "", held.Select(h => (h.Id, RawMessages.Envelope(h.Id, h.Name))));

        await using (await BusHost.StartAsync(broker, record, Quorum))
            await Eventually.Until(() => Task.FromResult(record.Deliveries.Count), n => n >= 5, TimeSpan.FromSeconds(30), "the held messages");

        var queues = await broker.QueuesAsync();
        Assert.Multiple(() =>
        {
            Assert.That(record.Deliveries.Select(d => d.Name), Is.EquivalentTo(held.Select(h => h.Name)));
            Assert.That(queues.Select(q => q.Name), Does.Not.Contain(holding));
            Assert.That(queues.Single(q => q.Name == BusHost.Queue).Type, Is.EqualTo("quorum"));
        });
    }
}
