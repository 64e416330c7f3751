using Agents.Contracts;
using Agents.Harness;
using Agents.Testing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;

namespace Agents.Classifier.Tests;

/// <summary>
/// The ways an LLM endpoint (or the gateway in front of it) breaks its own envelope, through the classifier service
/// on real RabbitMQ and PostgreSQL: each ticket gets one LLM call, the rules' answer, and no message is retried or
/// sent to an <c>_error</c> queue.
/// </summary>
[TestFixture]
public class LlmFailureModeTests
{
    private IsolatedServers _servers = null!;
    private FakeLlmServer _llm = null!;
    private RunningService _classifier = null!;
    private BusProbe _probe = null!;
    private BusProbe _escalations = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _servers = await IsolatedServers.CreateAsync();
        _llm = await FakeLlmServer.StartAsync();
        _llm.DripInterval = TimeSpan.FromMilliseconds(100);
        // The breaker stays closed here, so every ticket's failure really comes from the LLM (BreakerTests show
        // that these failures count toward opening it).
        _classifier = await ClassifierHost.StartAsync(_servers, _llm,
            new Dictionary<string, string?> { ["Classifier:Breaker:ActiveThreshold"] = "100000" });
        _probe = await BusProbe.StartAsync(_servers.Broker, typeof(TicketClassified));
        // Stands in for the writer: escalations are published mandatory and need a queue bound to them.
        _escalations = await BusProbe.StartAsync(_servers.Broker, typeof(TicketEscalated));
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        if (_probe is not null) await _probe.DisposeAsync();
        if (_escalations is not null) await _escalations.DisposeAsync();
        if (_classifier is not null) await _classifier.DisposeAsync();
        if (_llm is not null) await _llm.DisposeAsync();
        if (_servers is not null) await _servers.DisposeAsync();
    }

    [TestCase(FakeLlmMode.HtmlPage)]
    [TestCase(FakeLlmMode.CutEnvelope)]
    [TestCase(FakeLlmMode.EmptyBody)]
    [TestCase(FakeLlmMode.RetryAfterPastDate)]
    [TestCase(FakeLlmMode.RetryAfterNaN)]
    [TestCase(FakeLlmMode.RetryAfterHuge)]
    [TestCase(FakeLlmMode.SlowDrip)]
    public async Task Each_ticket_gets_one_llm_call_and_the_rules_answer(FakeLlmMode mode)
    {
        const int tickets = 4;
        _llm.Mode = mode;
        _llm.ClearRecorded();
        var marker = $"{mode}-{Guid.NewGuid():N}"[..24];
        var bus = _classifier.Services.GetRequiredService<IBus>();
        for (var i = 0; i < tickets; i++)
            await bus.Publish(new TicketReceived
            {
                Source = "generic", ExternalId = $"{marker}-{i}", EventKind = "created", DeliveryId = $"d-{marker}-{i}",
                // The text differs per case in words the redactor keeps (it removes the random marker as a likely secret):
                // the classifier caches answers by redacted text, and a cached answer would make no LLM call.
                Subject = "Export fails", Body = $"Ticket {mode} number {i}: the nightly export fails with an error.", ReceivedAt = DateTimeOffset.UtcNow,
            });

        // A failure that escaped the fallback would be retried in memory for about 19 s, then moved to _error:
        // no verdict within this time, and one LLM call per attempt.
        await Eventually.Until(() => Task.FromResult(Mine().Count), n => n >= tickets, TimeSpan.FromSeconds(15),
            $"{tickets} verdicts");
        await Task.Delay(500);

        Assert.That(Mine().Select(m => m.GetProperty("classification").GetProperty("classifiedBy").GetString()), Is.All.EqualTo("rules"));
        Assert.That(Mine(), Has.Count.EqualTo(tickets), "one verdict per ticket");
        // A ticket the rules classify confidently is also drafted, and its draft call meets the same failure (or the
        // breaker it opened): one classification call per ticket, at most one draft call, never a second attempt.
        var drafts = _llm.DraftCallCount;
        Assert.That(_llm.CallCount - drafts, Is.EqualTo(tickets), "exactly one classification call per ticket: no retry of the message, no second attempt");
        Assert.That(drafts, Is.LessThanOrEqualTo(tickets), "at most one draft call per ticket");
        Assert.That(await _servers.Broker.DeadLetteredAsync(), Is.Zero, "nothing in an _error queue");

        List<System.Text.Json.JsonElement> Mine() => _probe.Bodies.Select(ClassifierHost.Message)
            .Where(m => m.GetProperty("externalId").GetString()!.StartsWith(marker, StringComparison.Ordinal)).ToList();
    }
}
