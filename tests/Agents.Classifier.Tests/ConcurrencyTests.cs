using Agents.Contracts;
using Agents.Harness;
using Agents.Testing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;

namespace Agents.Classifier.Tests;

/// <summary>
/// Issue #18: the configured concurrency is what reaches the LLM. MassTransit takes its prefetch from the endpoint's
/// own limit only; with the limit set for the bus, as ours is, the broker handed each endpoint 16 messages
/// (MassTransit's default for up to 8 cores), so any limit above 16 was 16 in fact.
/// </summary>
public class ConcurrencyTests
{
    private IsolatedBroker _broker = null!;
    private IsolatedDatabase _database = null!;
    private FakeLlmServer _llm = null!;

    [SetUp]
    public async Task Start()
    {
        _broker = await IsolatedBroker.CreateAsync();
        _database = await IsolatedDatabase.CreateAsync();
        _llm = await FakeLlmServer.StartAsync();
    }

    [TearDown]
    public async Task Stop()
    {
        await _llm.DisposeAsync();
        await _broker.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Test]
    public async Task Thirty_two_tickets_arriving_together_have_thirty_two_llm_calls_in_flight_at_concurrency_32()
    {
        const int concurrency = 32;
        // Long enough that every ticket's call starts before the first ones end, even on a loaded machine.
        _llm.Delay = TimeSpan.FromSeconds(4);
        await using var classifier = await ClassifierHost.StartAsync(_broker, _database, _llm, new Dictionary<string, string?>
        {
            ["RabbitMq:ConcurrentMessageLimit"] = concurrency.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Classifier:Llm:Timeout"] = "00:00:30",
            ["Classifier:Drafts:Enabled"] = "false", // one call per ticket: the peak is the tickets in hand
        });
        await using var probe = await BusProbe.StartAsync(_broker, typeof(TicketClassified));
        var bus = classifier.Services.GetRequiredService<IBus>();

        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(i => bus.Publish(new TicketReceived
        {
            Source = "generic", ExternalId = $"par-{i}", EventKind = "created", DeliveryId = $"d-par-{i}",
            Subject = "Export fails", Body = $"Ticket {i}: the nightly export fails with an error.", ReceivedAt = DateTimeOffset.UtcNow,
        })));
        await Eventually.Until(() => Task.FromResult(probe.Count), n => n >= concurrency, TimeSpan.FromSeconds(30), "every ticket classified");

        Assert.That(_llm.CallCount, Is.EqualTo(concurrency), "one call per ticket");
        Assert.That(_llm.PeakInFlight, Is.EqualTo(concurrency), "every ticket's call in flight at once, no more than the limit");
    }
}
