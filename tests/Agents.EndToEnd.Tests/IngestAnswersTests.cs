using System.Net;
using System.Text;
using Agents.Contracts;
using Agents.Harness;
using Agents.Ingest;
using Agents.Testing;
using NUnit.Framework;

namespace Agents.EndToEnd.Tests;

/// <summary>Bad input on the skeleton's path gets a clear answer, and nothing is published for it.</summary>
[TestFixture]
public class IngestAnswersTests
{
    private AgentsSystem _system = null!;
    private BusProbe _probe = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _system = await AgentsSystem.StartAsync();
        _probe = await BusProbe.StartAsync(_system.Broker, typeof(TicketReceived));
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        if (_probe is not null) await _probe.DisposeAsync();
        if (_system is not null) await _system.DisposeAsync();
    }

    [Test]
    public async Task Unsigned_request_gets_401_and_publishes_nothing()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/generic")
        {
            Content = new StringContent(Tickets.Billing("T-401"), Encoding.UTF8, "application/json"),
        };
        var response = await _system.Ingest.Client.SendAsync(request);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("webhook-id"));
        await AssertNothingPublishedFor("T-401");
    }

    [Test]
    public async Task Wrongly_signed_request_gets_401_and_publishes_nothing()
    {
        using var request = SignedWebhooks.Generic("/webhooks/generic", Tickets.Billing("T-402"), "msg_bad_sig",
            secret: "whsec_" + Convert.ToBase64String(Encoding.UTF8.GetBytes("another-secret-entirely-32bytes!")));
        var response = await _system.Ingest.Client.SendAsync(request);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        await AssertNothingPublishedFor("T-402");
    }

    [Test]
    public async Task Tampered_body_gets_401()
    {
        using var request = SignedWebhooks.Generic("/webhooks/generic", Tickets.Billing("T-403"), "msg_tamper");
        request.Content = new StringContent(Tickets.Billing("T-403-evil"), Encoding.UTF8, "application/json");
        var response = await _system.Ingest.Client.SendAsync(request);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        await AssertNothingPublishedFor("T-403");
    }

    [Test]
    public async Task Malformed_json_gets_400_with_the_reason_and_publishes_nothing()
    {
        var response = await _system.SendGenericAsync("{\"type\":\"ticket.created\",\"ticket\":{\"id\":\"T-400\",", "msg_malformed");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        var problem = await response.Content.ReadAsStringAsync();
        Assert.That(problem, Does.Contain("invalid JSON").IgnoreCase);
        await AssertNothingPublishedFor("T-400");
    }

    [Test]
    public async Task Good_request_is_published_once_with_a_message_id_derived_from_the_delivery()
    {
        var response = await _system.SendGenericAsync(Tickets.Billing("T-202"), "msg_good");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        await Eventually.Until(() => Task.FromResult(_probe.Bodies.Count(b => b.Contains("\"T-202\"", StringComparison.Ordinal))),
            n => n == 1, TimeSpan.FromSeconds(10), "the ticket on the bus");
    }

    [Test]
    public async Task Broker_unreachable_gets_503_with_retry_after()
    {
        // An ingest pointed at a port where no broker listens: it must refuse, not pretend.
        var deadBroker = new Dictionary<string, string?>
        {
            ["RabbitMq:Host"] = "127.0.0.1",
            ["RabbitMq:Port"] = "1",
            ["Ingest:Sources:generic:Secret"] = SignedWebhooks.Secret,
            ["Ingest:PublishTimeout"] = "00:00:02",
        };
        await using var ingest = await RunningService.StartAsync(IngestService.Build, [_system.Database.Settings, deadBroker],
            waitUntilReady: false);
        var ready = await ingest.Client.GetAsync("/health/ready");
        Assert.That(ready.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable), "not ready without a broker");

        var response = await ingest.Client.SendAsync(SignedWebhooks.Generic("/webhooks/generic", Tickets.Billing("T-503"), "msg_503"));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
        Assert.That(response.Headers.RetryAfter, Is.Not.Null);
    }

    private async Task AssertNothingPublishedFor(string externalId)
    {
        // Publishing is confirmed before 202; give a stray publish a moment to arrive before asserting absence.
        await Task.Delay(500);
        Assert.That(_probe.Bodies.Where(b => b.Contains($"\"{externalId}\"", StringComparison.Ordinal)), Is.Empty);
    }
}
