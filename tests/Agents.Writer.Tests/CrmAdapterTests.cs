using System.Text.Json;
using Agents.Contracts;
using Agents.Harness;
using Agents.Testing;
using Agents.Writer.Sagas;
using Agents.Writer.Tests.FakeVendors;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NUnit.Framework;

namespace Agents.Writer.Tests;

/// <summary>
/// The Zendesk and HubSpot adapters through the whole writer (proposal, auto-approval, ApplyWrite, the saga's
/// result) against local servers that check requests the way the vendor does.
/// </summary>
[TestFixture]
public class CrmAdapterTests : VendorFixture
{
    private const string Email = VendorAccounts.ZendeskEmail;
    private const string ZendeskToken = VendorAccounts.ZendeskToken;
    private const string HubSpotToken = VendorAccounts.HubSpotToken;

    private async Task<FakeZendesk> StartZendeskAsync(string token = ZendeskToken, Action<WebApplicationBuilderHook>? hook = null, string configuredToken = ZendeskToken) =>
        await StartAsync(await FakeZendesk.StartAsync(Email, token, 101, 102), "zendesk", configuredToken, hook);

    private async Task<FakeHubSpot> StartHubSpotAsync(string configuredToken = HubSpotToken) =>
        await StartAsync(await FakeHubSpot.StartAsync(HubSpotToken, "2001", "2002"), "hubspot", configuredToken);

    [Test]
    public async Task Zendesk_gets_a_ticket_update_with_basic_token_auth_and_the_idempotency_key()
    {
        var zendesk = await StartZendeskAsync();
        var priority = Proposals.SetPriority("101", "medium", source: "zendesk");
        var tags = Proposals.AddTags("101", "billing,vip", source: "zendesk");
        await _host!.ProposeAsync(priority);
        await _host.ProposeAsync(tags);
        await _host.WaitForStateAsync(priority.CorrelationId, WriteStates.Applied);
        await _host.WaitForStateAsync(tags.CorrelationId, WriteStates.Applied);

        var requests = zendesk.Requests.ToList();
        Assert.That(requests, Has.Count.EqualTo(2));
        Assert.Multiple(() =>
        {
            Assert.That(requests.Select(r => r.Method), Is.All.EqualTo("PUT"));
            Assert.That(requests.Select(r => r.PathAndQuery), Is.All.EqualTo("/api/v2/tickets/101.json"));
            Assert.That(requests.Select(r => r.IdempotencyKey), Is.EquivalentTo(new[] { priority.IdempotencyKey + "#1", tags.IdempotencyKey + "#1" }),
                "our key and the write's generation");
            Assert.That(zendesk.Tickets[101].Priority, Is.EqualTo("normal"), "medium is Zendesk's normal");
            Assert.That(zendesk.Tickets[101].Tags, Is.EquivalentTo(new[] { "web", "billing", "vip" }), "additional_tags adds, never replaces");
        });
        var tagBody = JsonDocument.Parse(requests.Single(r => r.IdempotencyKey == tags.IdempotencyKey + "#1").Body).RootElement;
        Assert.That(tagBody.GetProperty("ticket").GetProperty("additional_tags").EnumerateArray().Select(t => t.GetString()),
            Is.EqualTo(new[] { "billing", "vip" }));
        Assert.That(await _host.CountAsync("FROM crm_journal"), Is.Zero, "the vendor adapter replaces the journal");
    }

    [Test]
    public async Task Zendesk_429_is_retried_after_its_Retry_After_then_applied()
    {
        var zendesk = await StartZendeskAsync();
        zendesk.FailNext(429, """{"error":"APIRateLimitExceeded","description":"Number of allowed API requests per minute exceeded"}""", TimeSpan.FromSeconds(1));
        var write = Proposals.SetPriority("102", "urgent", source: "zendesk");
        await _host!.ProposeAsync(write);
        await _host.WaitForStateAsync(write.CorrelationId, WriteStates.Applied);

        AssertWaitedAsAsked(zendesk, requests: 2, TimeSpan.FromSeconds(1));
        Assert.That(zendesk.Tickets[102].Priority, Is.EqualTo("urgent"));
    }

    [Test]
    public async Task Zendesk_422_and_404_fail_the_write_at_once_with_the_vendors_reason()
    {
        var zendesk = await StartZendeskAsync();
        zendesk.FailNext(422, """{"error":"RecordInvalid","description":"Record validation errors","details":{"priority":[{"description":"Priority: is not valid"}]}}""");
        var invalid = Proposals.SetPriority("101", source: "zendesk");
        await _host!.ProposeAsync(invalid);
        await _host.WaitForStateAsync(invalid.CorrelationId, WriteStates.Failed);
        Assert.That(await FailureReasonAsync(invalid.CorrelationId), Does.Contain("422").And.Contain("RecordInvalid"));

        var missing = Proposals.SetPriority("999", source: "zendesk");
        await _host.ProposeAsync(missing);
        await _host.WaitForStateAsync(missing.CorrelationId, WriteStates.Failed);
        Assert.That(await FailureReasonAsync(missing.CorrelationId), Does.Contain("404").And.Contain("RecordNotFound"));
        Assert.That(zendesk.Requests, Has.Count.EqualTo(2), "a 4xx is not retried");
        Assert.That(await _host.HistoryAsync(missing.CorrelationId), Is.EqualTo(new[] { "proposed", "approved", "failed" }));
    }

    [Test]
    public async Task HubSpot_gets_a_properties_patch_with_the_bearer_token_and_tags_are_a_union()
    {
        var hubspot = await StartHubSpotAsync();
        var priority = Proposals.SetPriority("2001", "high", source: "hubspot");
        var tags = Proposals.AddTags("2001", "billing,vip", source: "hubspot");
        await _host!.ProposeAsync(priority);
        await _host.WaitForStateAsync(priority.CorrelationId, WriteStates.Applied);
        await _host.ProposeAsync(tags);
        await _host.WaitForStateAsync(tags.CorrelationId, WriteStates.Applied);

        var requests = hubspot.Requests.ToList();
        Assert.Multiple(() =>
        {
            Assert.That(requests.Select(r => r.Method), Is.EqualTo(new[] { "PATCH", "GET", "PATCH", "GET" }), "priority; tags read, written as the union, read back");
            Assert.That(requests[0].PathAndQuery, Is.EqualTo("/crm/v3/objects/tickets/2001"));
            Assert.That(requests[1].PathAndQuery, Is.EqualTo("/crm/v3/objects/tickets/2001?properties=agents_tags"));
            Assert.That(requests.Select(r => r.Authorization), Is.All.EqualTo("Bearer " + HubSpotToken));
            Assert.That(JsonDocument.Parse(requests[0].Body).RootElement.GetProperty("properties").GetProperty("hs_ticket_priority").GetString(), Is.EqualTo("HIGH"));
            Assert.That(hubspot.Tickets["2001"]["hs_ticket_priority"], Is.EqualTo("HIGH"));
            Assert.That(hubspot.Tickets["2001"]["agents_tags"], Is.EqualTo("billing;existing;vip"));
        });
    }

    [Test]
    public async Task HubSpot_tags_another_client_overwrote_right_after_our_write_are_merged_again()
    {
        var hubspot = await StartHubSpotAsync();
        // Another integration's read-modify-write, read before ours, lands right after ours: our tags are gone.
        hubspot.AfterNext("PATCH", () => hubspot.Tickets["2001"]["agents_tags"] = "existing;from-crm-user");
        var tags = Proposals.AddTags("2001", "billing,vip", source: "hubspot");
        await _host!.ProposeAsync(tags);
        await _host.WaitForStateAsync(tags.CorrelationId, WriteStates.Applied);
        Assert.That(hubspot.Tickets["2001"]["agents_tags"], Is.EqualTo("billing;existing;from-crm-user;vip"), "ours and theirs");
    }

    [Test]
    public async Task HubSpot_500s_past_the_retry_limit_leave_the_write_Applying_with_the_reason_not_Failed()
    {
        var hubspot = await StartHubSpotAsync();
        for (var i = 0; i < 5; i++)
            hubspot.FailNext(500, """{"status":"error","message":"internal error","category":"INTERNAL_ERROR"}""");
        var write = Proposals.SetPriority("2002", "low", source: "hubspot");
        await _host!.ProposeAsync(write);
        await Eventually.Until(() => _host.CountAsync($"FROM write_audit WHERE \"Action\" = 'apply_deferred' AND \"CorrelationId\" = '{write.CorrelationId}'"),
            n => n == 1, TimeSpan.FromSeconds(20), "the attempt deferred");
        Assert.That(hubspot.Requests, Has.Count.EqualTo(3), "the first attempt and CrmRetryLimit=2 retries");
        Assert.That(await _host.StateAsync(write.CorrelationId), Is.EqualTo(WriteStates.Applying), "a CRM down for a while is not a failed write");
        Assert.That(await FailureReasonAsync(write.CorrelationId), Does.Contain("500").And.Contain("INTERNAL_ERROR"), "why it is not applied yet");
    }

    [Test]
    public async Task HubSpot_with_a_wrong_token_fails_with_401_once()
    {
        var hubspot = await StartHubSpotAsync(configuredToken: "pat-na1-wrong");
        var write = Proposals.SetPriority("2001", source: "hubspot");
        await _host!.ProposeAsync(write);
        await _host.WaitForStateAsync(write.CorrelationId, WriteStates.Failed);
        Assert.That(hubspot.Requests, Has.Count.EqualTo(1));
        Assert.That(await FailureReasonAsync(write.CorrelationId), Does.Contain("401").And.Contain("INVALID_AUTHENTICATION"));
    }

    [Test]
    public async Task Credentials_never_reach_a_message_a_log_line_or_the_database()
    {
        const string canary = "zd-canary-7Qx2LmP9vR";
        var logs = new LogCapture();
        var zendesk = await StartZendeskAsync(token: canary, configuredToken: canary, hook: h =>
        {
            h.Settings["Logging:LogLevel:Default"] = "Trace";
            h.Configure = b => b.Logging.AddProvider(logs);
        });
        await using var probe = await BusProbe.StartAsync(_host!.Broker, typeof(ProposeWrite), typeof(ApplyWrite), typeof(WriteApplied), typeof(WriteFailed));
        // Every path that talks about the vendor: a retry after 429, a 500, a 422 failure, and a success.
        zendesk.FailNext(429, """{"error":"APIRateLimitExceeded"}""", TimeSpan.FromSeconds(1));
        zendesk.FailNext(500, """{"error":"InternalError"}""");
        zendesk.FailNext(422, """{"error":"RecordInvalid","description":"Record validation errors"}""");
        var failing = Proposals.SetPriority("101", source: "zendesk");
        await _host.ProposeAsync(failing);
        await _host.WaitForStateAsync(failing.CorrelationId, WriteStates.Failed);
        var applied = Proposals.AddTags("102", "vip", source: "zendesk");
        await _host.ProposeAsync(applied);
        await _host.WaitForStateAsync(applied.CorrelationId, WriteStates.Applied);
        await Eventually.Until(() => Task.FromResult(probe.Count), n => n >= 6, TimeSpan.FromSeconds(10), "the messages at the probe");

        var basic = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{Email}/token:{canary}"));
        var database = await _host.Database.ScalarOrNullAsync<string>(
            "SELECT coalesce((SELECT string_agg(w::text, E'\\n') FROM write_approvals w), '') || coalesce((SELECT string_agg(a::text, E'\\n') FROM write_audit a), '')");
        Assert.Multiple(() =>
        {
            Assert.That(zendesk.Requests.Select(r => r.Authorization), Is.All.EqualTo("Basic " + basic), "the token did reach the vendor");
            Assert.That(logs.Lines, Is.Not.Empty);
            Assert.That(logs.All, Does.Contain("101").And.Contain("429"), "the failures were logged");
            Assert.That(logs.All, Does.Not.Contain(canary).And.Not.Contain(basic));
            Assert.That(string.Join('\n', probe.Bodies), Does.Not.Contain(canary).And.Not.Contain(basic));
            Assert.That(database, Does.Not.Contain(canary).And.Not.Contain(basic));
        });
    }
}
