using Agents.Crm.Reading;
using Agents.Writer.Tests.FakeVendors;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;

namespace Agents.Writer.Tests;

/// <summary>The read side against the local HubSpot: a ticket with its notes, its requester's other tickets, the cache and the rate limit.</summary>
public class CrmReaderTests
{
    private FakeHubSpot _hubSpot = null!;

    [SetUp]
    public async Task Start()
    {
        _hubSpot = await FakeHubSpot.StartAsync(VendorAccounts.HubSpotToken, "101", "102", "103");
        _hubSpot.Tickets["101"]["subject"] = "Export fails";
        _hubSpot.Tickets["101"]["content"] = "The nightly export stops at 80 %.";
        _hubSpot.Tickets["102"]["subject"] = "Login loop";
        _hubSpot.Tickets["102"]["hs_lastmodifieddate"] = "2026-11-30T10:00:00Z";
        _hubSpot.AddNote("101", "<p>Tried again, <b>same</b> error.</p>", DateTimeOffset.Parse("2026-12-01T09:00:00Z"));
        _hubSpot.AddNote("101", "Attached the log.", DateTimeOffset.Parse("2026-12-01T10:00:00Z"));
        _hubSpot.TicketContacts["101"] = "9001";
        _hubSpot.TicketContacts["102"] = "9001";
    }

    [TearDown]
    public async Task Stop() => await _hubSpot.DisposeAsync();

    private ServiceProvider Readers(Dictionary<string, string?>? extra = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Crm:HubSpot:BaseUrl"] = _hubSpot.BaseUrl.ToString(),
            ["Crm:HubSpot:AccessToken"] = VendorAccounts.HubSpotToken,
        };
        foreach (var (key, value) in extra ?? [])
            settings[key] = value;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection().AddLogging().AddCrmReaders(configuration).BuildServiceProvider();
    }

    private static ICrmReader HubSpot(ServiceProvider services) => services.GetServices<ICrmReader>().Single(r => r.Name == "hubspot");

    [Test]
    public async Task Reads_a_ticket_with_its_newest_notes_and_the_requesters_other_tickets()
    {
        await using var services = Readers();
        var reader = HubSpot(services);

        var ticket = await reader.ReadTicketAsync("101", CancellationToken.None);
        var others = await reader.RequesterTicketsAsync(ticket, CancellationToken.None);

        Assert.That((ticket.Subject, ticket.Description, ticket.RequesterId), Is.EqualTo(("Export fails", "The nightly export stops at 80 %.", "9001")));
        Assert.That(ticket.LatestComments.Select(c => c.Text), Is.EqualTo(new[] { "Attached the log.", "Tried again, same error." }), "newest first, HTML as text");
        Assert.That(others.Select(o => (o.Id, o.Subject)), Is.EqualTo(new[] { ("102", "Login loop") }), "the other ticket, not this one");
        Assert.That(_hubSpot.Requests.Select(r => r.Method).Distinct(), Is.SubsetOf(new[] { "GET", "POST" }));
        Assert.That(_hubSpot.Requests.Where(r => r.Method == "POST").Select(r => r.PathAndQuery), Is.All.EndsWith("/batch/read"), "reads only");
    }

    [Test]
    public async Task A_read_within_the_cache_time_asks_HubSpot_once()
    {
        await using var services = Readers();
        var reader = HubSpot(services);

        await reader.ReadTicketAsync("103", CancellationToken.None);
        await reader.ReadTicketAsync("103", CancellationToken.None);

        Assert.That(_hubSpot.Requests.Count(r => r.PathAndQuery.StartsWith("/crm/v3/objects/tickets/103", StringComparison.Ordinal)), Is.EqualTo(1));
    }

    [Test]
    public async Task Reads_keep_to_the_rate_limit_and_wait_out_a_Retry_After()
    {
        await using var services = Readers(new() { ["Crm:Reading:Limits:hubspot:Permits"] = "2", ["Crm:Reading:Limits:hubspot:Window"] = "00:00:01" });
        var reader = HubSpot(services);

        var started = DateTimeOffset.UtcNow;
        await Task.WhenAll(new[] { "101", "102", "103" }.Select(id => reader.ReadTicketAsync(id, CancellationToken.None)));
        Assert.That(DateTimeOffset.UtcNow - started, Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(0.5)), "the third read waited for the window");

        _hubSpot.FailNext(429, """{"status":"error","message":"You have reached your secondly limit.","errorType":"RATE_LIMIT"}""", TimeSpan.FromSeconds(1));
        var refused = await Assert.ThrowsAsync<CrmReadException>(() => reader.ReadTicketAsync("999", CancellationToken.None));
        Assert.That((refused!.Retryable, refused.RetryAfter), Is.EqualTo((true, (TimeSpan?)TimeSpan.FromSeconds(1))));
        Assert.That(refused.Message, Does.Not.Contain(VendorAccounts.HubSpotToken));
        // From the refused request on the fake server's own clock: the reader's pause starts when the 429 reaches it,
        // and a clock read here, after the assertions above, started late by however long they took on a busy machine.
        var paused = _hubSpot.Requests.Last().At;
        await Assert.ThrowsAsync<CrmReadException>(() => reader.ReadTicketAsync("998", CancellationToken.None), "404: another ticket, after the pause");
        Assert.That(_hubSpot.Requests.Last().At - paused, Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(0.9)), "no read before Retry-After passed");
    }
}
