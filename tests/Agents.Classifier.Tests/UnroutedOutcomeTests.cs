using System.Text.Json;
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
        await using var classified = await BusProbe.StartAsync(servers.Broker, typeof(TicketClassified));

        var escalations = await ReturnedUntilBoundAsync(servers, typeof(TicketEscalated), "unrouted-1",
            "URGENT: production is down, nobody can work since this morning.");

        Assert.That(escalations.Single().GetProperty("reasonKind").GetString(), Is.EqualTo(EscalationReasons.Urgent));
        Assert.That(classified.Count, Is.GreaterThanOrEqualTo(1));
    }

    [Test]
    public async Task Proposals_with_no_queue_bound_fail_loudly_and_arrive_once_a_queue_is_bound()
    {
        await using var servers = await IsolatedServers.CreateAsync();

        var writes = await ReturnedUntilBoundAsync(servers, typeof(ProposeWrites), "unrouted-2",
            "I was charged twice on my last invoice, please refund one of the charges.");

        Assert.That(writes.Select(w => w.GetProperty("kind").GetString()), Does.Contain(WriteKinds.SetPriority));
    }

    /// <summary>
    /// A ticket whose outcome (<paramref name="outcome"/>) no queue takes: the step log names the cause every time the
    /// broker returns it (loud), then a queue is bound (the writer started) and the retried ticket's outcome arrives
    /// (nothing was dropped). Returns its messages, a ticket's proposals one each.
    /// </summary>
    private static async Task<List<JsonElement>> ReturnedUntilBoundAsync(IsolatedServers servers, Type outcome, string externalId, string body)
    {
        await using var classifier = await ClassifierHost.StartAsync(servers, llm: null, QuickRetries, writerQueue: false);
        await classifier.Services.GetRequiredService<IBus>().Publish(new TicketReceived
        {
            Source = "generic", ExternalId = externalId, EventKind = "created", DeliveryId = "d-" + externalId,
            Subject = "Help", Body = body, ReceivedAt = DateTimeOffset.UtcNow,
        });

        await Eventually.Until(() => servers.Database.ScalarAsync<long>(
                $"SELECT count(*) FROM classifier_steps WHERE \"ExternalId\" = '{externalId}' AND \"Outcome\" = 'unroutable'"),
            n => n >= 2, TimeSpan.FromSeconds(30), $"the returned {outcome.Name} recorded, and retried");

        await using var bound = await BusProbe.StartAsync(servers.Broker, outcome);
        await Eventually.Until(() => Task.FromResult(bound.Count), n => n >= 1, TimeSpan.FromSeconds(30), $"the {outcome.Name}, once a queue is bound");
        var messages = ClassifierHost.Messages(bound.Bodies);
        Assert.That(messages.Select(m => m.GetProperty("externalId").GetString()), Is.All.EqualTo(externalId));
        return messages;
    }
}
