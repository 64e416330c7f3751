using Agents.Contracts;
using Agents.Harness;
using Agents.Testing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;

namespace Agents.Classifier.Tests;

/// <summary>
/// An escalation nobody receives is a ticket nobody looks at, and proposals nobody holds are writes lost. With no
/// queue bound to TicketEscalated or ProposeWrites (the writer not deployed yet, its queue deleted, a writer older
/// than ProposeWrites), the broker returns the mandatory publish: the classifier says so loudly in its log and step
/// log, and retries the ticket until a queue is bound, instead of recording it as handled.
/// </summary>
public class UnroutedOutcomeTests
{
    private static readonly Dictionary<string, string?> QuickRetries = new()
    {
        // Short in-memory retries, then the delay queues every second: the test waits seconds, not minutes.
        ["Redelivery:Retries:0"] = "00:00:00.100",
        ["Redelivery:Delays:0"] = "00:00:01",
    };

    [Test]
    public async Task An_escalation_with_no_queue_bound_fails_loudly_and_arrives_once_a_queue_is_bound()
    {
        await using var servers = await IsolatedServers.CreateAsync();
        await using var classifier = await ClassifierHost.StartAsync(servers, llm: null, QuickRetries);
        await using var classified = await BusProbe.StartAsync(servers.Broker, typeof(TicketClassified));

        await classifier.Services.GetRequiredService<IBus>().Publish(new TicketReceived
        {
            Source = "generic", ExternalId = "unrouted-1", EventKind = "created", DeliveryId = "d-unrouted-1",
            Subject = "Production down", Body = "URGENT: production is down, nobody can work since this morning.", ReceivedAt = DateTimeOffset.UtcNow,
        });

        // Loud: the step log names the cause, every time the broker returns it.
        await Eventually.Until(() => servers.Database.ScalarAsync<long>(
                "SELECT count(*) FROM classifier_steps WHERE \"ExternalId\" = 'unrouted-1' AND \"Outcome\" = 'unroutable'"),
            n => n >= 2, TimeSpan.FromSeconds(30), "the returned escalation recorded, and retried");

        // Bound now (the writer started): the retried ticket's escalation arrives; nothing was dropped.
        await using var escalated = await BusProbe.StartAsync(servers.Broker, typeof(TicketEscalated));
        await Eventually.Until(() => Task.FromResult(escalated.Count), n => n >= 1, TimeSpan.FromSeconds(30), "the escalation, once a queue is bound");
        var message = ClassifierHost.Message(escalated.Bodies.First());
        Assert.That(message.GetProperty("externalId").GetString(), Is.EqualTo("unrouted-1"));
        Assert.That(message.GetProperty("reasonKind").GetString(), Is.EqualTo(EscalationReasons.Urgent));
        Assert.That(classified.Count, Is.GreaterThanOrEqualTo(1));
    }

    [Test]
    public async Task Proposals_with_no_queue_bound_fail_loudly_and_arrive_once_a_queue_is_bound()
    {
        await using var servers = await IsolatedServers.CreateAsync();
        await using var classifier = await ClassifierHost.StartAsync(servers, llm: null, QuickRetries, writerQueue: false);

        await classifier.Services.GetRequiredService<IBus>().Publish(new TicketReceived
        {
            Source = "generic", ExternalId = "unrouted-2", EventKind = "created", DeliveryId = "d-unrouted-2",
            Subject = "Invoice", Body = "I was charged twice on my last invoice, please refund one of the charges.", ReceivedAt = DateTimeOffset.UtcNow,
        });

        await Eventually.Until(() => servers.Database.ScalarAsync<long>(
                "SELECT count(*) FROM classifier_steps WHERE \"ExternalId\" = 'unrouted-2' AND \"Outcome\" = 'unroutable'"),
            n => n >= 2, TimeSpan.FromSeconds(30), "the returned proposals recorded, and retried");

        await using var proposals = await BusProbe.StartAsync(servers.Broker, typeof(ProposeWrites));
        await Eventually.Until(() => Task.FromResult(proposals.Count), n => n >= 1, TimeSpan.FromSeconds(30), "the proposals, once a queue is bound");
        var writes = ClassifierHost.Messages(proposals.Bodies);
        Assert.That(writes.Select(w => w.GetProperty("externalId").GetString()), Is.All.EqualTo("unrouted-2"));
        Assert.That(writes.Select(w => w.GetProperty("kind").GetString()), Does.Contain(WriteKinds.SetPriority));
    }
}
