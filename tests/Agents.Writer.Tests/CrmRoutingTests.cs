using System.Net;
using System.Text.Json;
using Agents.Writer.Sagas;
using Agents.Writer.Tests.FakeVendors;
using NUnit.Framework;

namespace Agents.Writer.Tests;

/// <summary>
/// A write goes to the CRM its ticket came from, or nowhere: the same ticket number in two vendors reaches each
/// vendor once, and a source routed to no CRM is refused when proposed, never applied somewhere else.
/// </summary>
[TestFixture]
public class CrmRoutingTests : WriterFixture
{
    private FakeZendesk? _zendesk;
    private FakeFreshdesk? _freshdesk;

    [TearDown]
    public async Task StopVendors()
    {
        if (_zendesk is not null)
            await _zendesk.DisposeAsync();
        if (_freshdesk is not null)
            await _freshdesk.DisposeAsync();
    }

    [Test]
    public async Task Ticket_42_of_Freshdesk_and_of_Zendesk_each_reach_their_own_vendor_and_a_source_without_a_route_is_refused()
    {
        _zendesk = await FakeZendesk.StartAsync(VendorAccounts.ZendeskEmail, VendorAccounts.ZendeskToken, 42);
        _freshdesk = await FakeFreshdesk.StartAsync(VendorAccounts.FreshdeskKey, 42);
        _host = await WriterTestHost.StartAsync(Policies.Shipped, VendorAccounts.Settings([_zendesk, _freshdesk], new Dictionary<string, string?>
        {
            ["Writer:Crm:Routes:zendesk"] = "zendesk",
            ["Writer:Crm:Routes:freshdesk"] = "freshdesk",
            ["Writer:Crm:Routes:jira"] = "none",
        }));

        var zendeskWrite = Proposals.SetPriority("42", "urgent", source: "zendesk");
        var freshdeskWrite = Proposals.SetPriority("42", "low", source: "freshdesk");
        var unrouted = Proposals.SetPriority("JRA-42", "urgent", source: "jira");
        foreach (var p in new[] { zendeskWrite, freshdeskWrite, unrouted })
            await _host.ProposeAsync(p);

        // Refused when proposed: no person is asked to approve a write that has nowhere to go.
        await _host.WaitForStateAsync(unrouted.CorrelationId, WriteStates.Refused);
        var refused = (await _host.DetailAsync(unrouted.CorrelationId)).GetProperty("write");
        Assert.That(refused.GetProperty("decisionReason").GetString(), Does.Contain("no writable route").And.Contain("jira"));
        Assert.That(await _host.HistoryAsync(unrouted.CorrelationId), Is.EqualTo(new[] { "proposed", "refused" }));

        foreach (var p in new[] { zendeskWrite, freshdeskWrite })
        {
            await _host.WaitForStateAsync(p.CorrelationId, WriteStates.AwaitingApproval);
            var approve = await _host.ApproveAsync(p.CorrelationId, "right ticket");
            Assert.That(approve.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), await approve.Content.ReadAsStringAsync());
        }
        await _host.WaitForStateAsync(zendeskWrite.CorrelationId, WriteStates.Applied);
        await _host.WaitForStateAsync(freshdeskWrite.CorrelationId, WriteStates.Applied);

        Assert.Multiple(async () =>
        {
            var zendeskRequests = _zendesk.Requests.ToList();
            Assert.That(zendeskRequests.Select(r => $"{r.Method} {r.PathAndQuery}"), Is.EqualTo(new[] { "PUT /api/v2/tickets/42.json" }));
            Assert.That(JsonDocument.Parse(zendeskRequests[0].Body).RootElement.GetProperty("ticket").GetProperty("priority").GetString(), Is.EqualTo("urgent"));
            Assert.That(_zendesk.Tickets[42].Priority, Is.EqualTo("urgent"));

            var freshdeskRequests = _freshdesk.Requests.ToList();
            Assert.That(freshdeskRequests.Select(r => $"{r.Method} {r.PathAndQuery}"), Is.EqualTo(new[] { "PUT /api/v2/tickets/42" }));
            Assert.That(JsonDocument.Parse(freshdeskRequests[0].Body).RootElement.GetProperty("priority").GetInt32(), Is.EqualTo(1), "low is Freshdesk's 1");
            Assert.That(_freshdesk.Tickets[42].Priority, Is.EqualTo(1));

            Assert.That(await _host.CountAsync("FROM crm_journal"), Is.Zero, "neither write went to the journal");
            Assert.That((await _host.DetailAsync(freshdeskWrite.CorrelationId)).GetProperty("write").GetProperty("adapter").GetString(), Is.EqualTo("freshdesk"));
        });
    }
}
