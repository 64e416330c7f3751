using System.Text;
using System.Text.Json;
using Agents.Writer.Sagas;
using Agents.Writer.Tests.FakeVendors;
using NUnit.Framework;

namespace Agents.Writer.Tests;

/// <summary>The Freshdesk adapter through the whole writer against a local server answering as Freshdesk does.</summary>
[TestFixture]
public class FreshdeskAdapterTests : VendorFixture
{
    [Test]
    public async Task Priority_goes_as_a_number_tags_as_a_union_with_the_api_key_as_basic_user_and_what_Freshdesk_cannot_take_is_refused()
    {
        var freshdesk = await StartAsync(await FakeFreshdesk.StartAsync(VendorAccounts.FreshdeskKey, 501), "freshdesk");
        var priority = Proposals.SetPriority("501", "urgent", source: "freshdesk");
        var tags = Proposals.AddTags("501", "billing,vip", source: "freshdesk");
        var category = Proposals.SetCategory("501", "billing", source: "freshdesk");
        var notATicket = Proposals.SetPriority("FD-501", source: "freshdesk");
        await _host!.ProposeAsync(priority);
        await _host.WaitForStateAsync(priority.CorrelationId, WriteStates.Applied);
        foreach (var p in new[] { tags, category, notATicket })
            await _host.ProposeAsync(p);
        await _host.WaitForStateAsync(tags.CorrelationId, WriteStates.Applied);
        await _host.WaitForStateAsync(category.CorrelationId, WriteStates.Refused);
        await _host.WaitForStateAsync(notATicket.CorrelationId, WriteStates.Refused);

        var requests = freshdesk.Requests.ToList();
        var basic = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(VendorAccounts.FreshdeskKey + ":X"));
        Assert.Multiple(async () =>
        {
            Assert.That(requests.Select(r => $"{r.Method} {r.PathAndQuery}"), Is.EqualTo(new[]
            {
                "PUT /api/v2/tickets/501", "GET /api/v2/tickets/501", "PUT /api/v2/tickets/501", "GET /api/v2/tickets/501",
            }), "priority; then tags read, written as the union, read back");
            Assert.That(requests.Select(r => r.Authorization), Is.All.EqualTo(basic));
            Assert.That(JsonDocument.Parse(requests[0].Body).RootElement.GetProperty("priority").GetInt32(), Is.EqualTo(4), "urgent is Freshdesk's 4");
            Assert.That(JsonDocument.Parse(requests[2].Body).RootElement.GetProperty("tags").EnumerateArray().Select(t => t.GetString()),
                Is.EqualTo(new[] { "billing", "vip", "web" }), "tags replace the ticket's: the union keeps its own");
            Assert.That(freshdesk.Tickets[501].Priority, Is.EqualTo(4));
            Assert.That(freshdesk.Tickets[501].Tags, Is.EquivalentTo(new[] { "web", "billing", "vip" }));
            Assert.That((await _host.DetailAsync(category.CorrelationId)).GetProperty("write").GetProperty("decisionReason").GetString(),
                Does.Contain("Crm:Freshdesk:CategoryField"));
            Assert.That((await _host.DetailAsync(notATicket.CorrelationId)).GetProperty("write").GetProperty("decisionReason").GetString(),
                Does.Contain("not a Freshdesk ticket id"));
        });
    }

    [Test]
    public async Task A_429_waits_for_Retry_After_409_and_5xx_are_retried_and_400_and_404_fail_at_once()
    {
        var freshdesk = await StartAsync(await FakeFreshdesk.StartAsync(VendorAccounts.FreshdeskKey, 601, 602, 603), "freshdesk");
        freshdesk.FailNext(429, """{"message":"You have exceeded the limit of requests per minute"}""", TimeSpan.FromSeconds(1));
        freshdesk.FailNext(409, """{"description":"Validation failed","errors":[{"field":"status","message":"The ticket is being updated","code":"inconsistent_state"}]}""");
        var retried = Proposals.SetPriority("601", "high", source: "freshdesk");
        await _host!.ProposeAsync(retried);
        await _host.WaitForStateAsync(retried.CorrelationId, WriteStates.Applied);
        AssertWaitedAsAsked(freshdesk, requests: 3, TimeSpan.FromSeconds(1)); // 429, 409, then applied
        Assert.That(freshdesk.Tickets[601].Priority, Is.EqualTo(3));
        freshdesk.FailNext(503, """{"code":"service_unavailable","message":"Service unavailable"}""");
        var unavailable = Proposals.SetPriority("602", "high", source: "freshdesk");
        await _host.ProposeAsync(unavailable);
        await _host.WaitForStateAsync(unavailable.CorrelationId, WriteStates.Applied);

        freshdesk.FailNext(400, """{"description":"Validation failed","errors":[{"field":"priority","message":"It should be one of these values: '1,2,3,4'","code":"invalid_value"}]}""");
        var invalid = Proposals.SetPriority("603", "low", source: "freshdesk");
        await _host.ProposeAsync(invalid);
        await _host.WaitForStateAsync(invalid.CorrelationId, WriteStates.Failed);
        Assert.That(await FailureReasonAsync(invalid.CorrelationId), Does.Contain("400").And.Contain("invalid_value"));

        var missing = Proposals.SetPriority("999", "low", source: "freshdesk");
        await _host.ProposeAsync(missing);
        await _host.WaitForStateAsync(missing.CorrelationId, WriteStates.Failed);
        Assert.That(await FailureReasonAsync(missing.CorrelationId), Does.Contain("404"));
        Assert.That(freshdesk.Requests, Has.Count.EqualTo(7), "a 400 and a 404 are not retried");
    }
}
