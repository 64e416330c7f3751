using System.Text.Json;
using Agents.Contracts;
using Agents.Harness;
using Agents.Testing;
using Agents.Writer.Tests.FakeVendors;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;

namespace Agents.Classifier.Tests.Hydration;

/// <summary>
/// A HubSpot thin event (ids only) through the classifier on real RabbitMQ and PostgreSQL, its text read from a local
/// server speaking HubSpot's CRM API and its failures: read, classified, proposed; or, unreadable, escalated.
/// </summary>
public class HydrationTests
{
    private const string Subject = "Invoice charged twice";
    private const string Content = "Our card was charged twice for invoice 7781 this month.";

    private IsolatedServers _servers = null!;
    private FakeLlmServer _llm = null!;
    private FakeHubSpot _hubSpot = null!;

    [SetUp]
    public async Task Start()
    {
        _servers = await IsolatedServers.CreateAsync();
        _llm = await FakeLlmServer.StartAsync();
        _hubSpot = await FakeHubSpot.StartAsync(VendorAccounts.HubSpotToken, "5001");
        _hubSpot.Tickets["5001"]["subject"] = Subject;
        _hubSpot.Tickets["5001"]["content"] = Content;
    }

    [TearDown]
    public async Task Stop()
    {
        await _hubSpot.DisposeAsync();
        await _llm.DisposeAsync();
        await _servers.DisposeAsync();
    }

    private static TicketReceived Thin(string id) => new()
    {
        Source = "hubspot", ExternalId = id, EventKind = "creation", DeliveryId = "hs-" + id + "-" + Guid.NewGuid().ToString("N")[..6],
        NeedsHydration = true, ReceivedAt = DateTimeOffset.UtcNow,
    };

    private Task<RunningService> ClassifierAsync(string token = VendorAccounts.HubSpotToken) =>
        ClassifierHost.StartAsync(_servers, _llm, new Dictionary<string, string?>
        {
            ["Crm:HubSpot:BaseUrl"] = _hubSpot.BaseUrl.ToString(),
            ["Crm:HubSpot:AccessToken"] = token,
            ["Classifier:Hydration:Attempts"] = "3",
            ["Classifier:Hydration:RetryDelay"] = "00:00:00.050",
        });

    [Test]
    public async Task A_thin_HubSpot_event_is_read_from_HubSpot_then_classified_and_proposed()
    {
        await using var classifier = await ClassifierAsync();
        await using var proposals = await BusProbe.StartAsync(_servers.Broker, typeof(ProposeWrites));
        await using var escalations = await BusProbe.StartAsync(_servers.Broker, typeof(TicketEscalated));

        await classifier.Services.GetRequiredService<IBus>().Publish(Thin("5001"));
        await Eventually.Until(() => Task.FromResult(proposals.Count + escalations.Count), n => n >= 1, TimeSpan.FromSeconds(20), "an outcome");

        Assert.That(escalations.Count, Is.Zero, string.Join("\n", escalations.Bodies));
        Assert.That(proposals.Count, Is.GreaterThanOrEqualTo(1));
        var proposal = ClassifierHost.Messages(proposals.Bodies).First();
        Assert.That(proposal.GetProperty("subject").GetString(), Is.EqualTo(Subject), "the proposal shows the text read from the CRM");
        // The first request classifies; a drafted note may follow it.
        Assert.That(_llm.Requests.First().UserText, Does.Contain(Content), "the LLM classified the text read from HubSpot");
        Assert.That(_hubSpot.Requests.Where(r => r.Method == "GET" && r.PathAndQuery.StartsWith("/crm/v3/objects/tickets/5001", StringComparison.Ordinal)),
            Is.Not.Empty, "the ticket was read from HubSpot");
        Assert.That(string.Join("\n", _llm.RequestBodies), Does.Not.Contain(VendorAccounts.HubSpotToken), "no token in a prompt");
        Assert.That(string.Join("\n", proposals.Bodies), Does.Not.Contain(VendorAccounts.HubSpotToken), "no token in a message");

        var steps = await _servers.Database.ScalarAsync<string>(
            "SELECT string_agg(\"Step\" || ':' || coalesce(\"Outcome\", '') || ':' || coalesce(\"Detail\", ''), '\n') FROM classifier_steps WHERE \"ExternalId\" = '5001'");
        Assert.That(steps, Does.Contain("crm-read:ok"), "a step per read");
        Assert.That(steps, Does.Not.Contain("charged twice"), "no ticket text in the step log");
    }

    public static IEnumerable<TestCaseData> Failures()
    {
        yield return new TestCaseData("401: a wrong token", "wrong-token", 0, 1).SetName("An_unauthorized_read_escalates_at_once");
        yield return new TestCaseData("404: no such ticket", VendorAccounts.HubSpotToken, 404, 1).SetName("A_ticket_HubSpot_does_not_have_escalates_at_once");
        yield return new TestCaseData("429 with Retry-After", VendorAccounts.HubSpotToken, 429, 3).SetName("A_rate_limited_read_escalates_past_its_budget");
        yield return new TestCaseData("5xx", VendorAccounts.HubSpotToken, 503, 3).SetName("A_failing_CRM_escalates_past_the_budget");
        yield return new TestCaseData("garbage", VendorAccounts.HubSpotToken, 200, 3).SetName("A_garbage_answer_escalates_past_the_budget");
    }

    [TestCaseSource(nameof(Failures))]
    public async Task An_unreadable_ticket_escalates_as_crm_unreadable(string what, string token, int status, int expectedReads)
    {
        for (var i = 0; i < 5; i++)
        {
            if (status == 404)
                _hubSpot.FailNext(404, """{"status":"error","message":"resource not found","category":"OBJECT_NOT_FOUND"}""");
            else if (status == 429)
                _hubSpot.FailNext(429, """{"status":"error","message":"You have reached your secondly limit.","errorType":"RATE_LIMIT","policyName":"SECONDLY"}""", TimeSpan.FromSeconds(1));
            else if (status == 503)
                _hubSpot.FailNext(503, """{"status":"error","message":"Service Unavailable","category":"SERVICE_UNAVAILABLE"}""");
            else if (status == 200)
                _hubSpot.FailNext(200, "<html><body>Bad gateway</body></html>");
        }
        await using var classifier = await ClassifierAsync(token);
        await using var proposals = await BusProbe.StartAsync(_servers.Broker, typeof(ProposeWrites));
        await using var escalations = await BusProbe.StartAsync(_servers.Broker, typeof(TicketEscalated));

        await classifier.Services.GetRequiredService<IBus>().Publish(Thin("5001"));
        await Eventually.Until(() => Task.FromResult(escalations.Count), n => n >= 1, TimeSpan.FromSeconds(30), what + " escalated");

        var escalation = ClassifierHost.Message(escalations.Bodies.Single());
        Assert.That(escalation.GetProperty("reason").GetString(), Is.EqualTo("crm unreadable"), what);
        Assert.That(escalation.GetProperty("reasonKind").GetString(), Is.EqualTo(EscalationReasons.CrmUnreadable), what);
        Assert.That(proposals.Count, Is.Zero, "nothing proposed for a ticket nobody read");
        Assert.That(_llm.CallCount, Is.Zero, "nothing to classify");
        var reads = _hubSpot.Requests.Where(r => r.Method == "GET").ToList();
        Assert.That(reads, Has.Count.EqualTo(expectedReads), what + ": retried only what may succeed later");
        if (status == 429)
            Assert.That(reads[1].At - reads[0].At, Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(0.95)), "Retry-After honoured");
        Assert.That(JsonSerializer.Serialize(escalation), Does.Not.Contain(VendorAccounts.HubSpotToken));
    }

    [Test]
    public async Task A_read_refused_once_with_Retry_After_succeeds_on_the_next_attempt()
    {
        _hubSpot.FailNext(429, """{"status":"error","message":"You have reached your secondly limit.","errorType":"RATE_LIMIT"}""", TimeSpan.FromSeconds(1));
        await using var classifier = await ClassifierAsync();
        await using var proposals = await BusProbe.StartAsync(_servers.Broker, typeof(ProposeWrites));

        await classifier.Services.GetRequiredService<IBus>().Publish(Thin("5001"));
        await Eventually.Until(() => Task.FromResult(proposals.Count), n => n >= 1, TimeSpan.FromSeconds(20), "proposals after the wait");

        var reads = _hubSpot.Requests.Where(r => r.Method == "GET" && r.PathAndQuery.StartsWith("/crm/v3/objects/tickets/5001", StringComparison.Ordinal)).ToList();
        Assert.That(reads[1].At - reads[0].At, Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(0.95)), "Retry-After honoured");
    }
}
