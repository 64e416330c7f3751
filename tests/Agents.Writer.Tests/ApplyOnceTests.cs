using Agents.Contracts;
using Agents.Harness;
using Agents.Writer.Sagas;
using Agents.Writer.Tests.FakeVendors;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;

namespace Agents.Writer.Tests;

/// <summary>
/// One decision, one ApplyWrite, at most one CRM call that counts: duplicates arriving while a write is applied send
/// nothing, a stale copy (shovelled back from the error queue) changes nothing, a vendor that keeps failing leaves
/// the write to be re-driven later instead of failing it, and a write an instance left Applying is re-driven.
/// </summary>
[TestFixture]
public class ApplyOnceTests : VendorFixture
{
    // Long enough for a fresh host's first attempt (and its retries) to end before the sweeper looks.
    private static Action<WebApplicationBuilderHook> QuickRedrive => hook =>
    {
        hook.Settings["Writer:ApplyStuckAfter"] = "00:00:03";
        hook.Settings["Writer:SweepInterval"] = "00:00:00.500";
    };

    [Test]
    public async Task Duplicates_while_applying_send_no_second_ApplyWrite_and_a_copy_shovelled_back_after_Applied_changes_nothing()
    {
        var zendesk = await StartAsync(await FakeZendesk.StartAsync(VendorAccounts.ZendeskEmail, VendorAccounts.ZendeskToken, 301), "zendesk");
        await using var probe = await BusProbe.StartAsync(_host!.Broker, typeof(ApplyWrite));
        // The vendor keeps the write Applying for two seconds (429, Retry-After 2) while duplicates arrive.
        zendesk.FailNext(429, """{"error":"APIRateLimitExceeded"}""", TimeSpan.FromSeconds(2));
        var write = Proposals.SetPriority("301", "urgent", source: "zendesk");
        await _host.ProposeAsync(write);
        await _host.WaitForStateAsync(write.CorrelationId, WriteStates.Applying);
        await _host.ProposeAsync(write);
        await _host.Writer.Services.GetRequiredService<IBus>().Publish(new ApproveWrite
        {
            CorrelationId = write.CorrelationId, Approver = "alice", ContentHash = WriteContent.Hash(write), Reason = "double click",
        });
        await _host.WaitForStateAsync(write.CorrelationId, WriteStates.Applied);
        await Task.Delay(1500); // any further ApplyWrite would be out by now
        Assert.Multiple(() =>
        {
            Assert.That(probe.Count, Is.EqualTo(1), "one ApplyWrite for one decision");
            Assert.That(zendesk.Requests, Has.Count.EqualTo(2), "the 429 and the one write");
        });

        // A person then edits the ticket in Zendesk; an old copy of the ApplyWrite comes back from the error queue.
        zendesk.Tickets[301] = ("low", zendesk.Tickets[301].Tags);
        await probe.ResendAsync(0, "apply-write");
        await Task.Delay(2000);
        Assert.Multiple(async () =>
        {
            Assert.That(zendesk.Requests, Has.Count.EqualTo(2), "the stale copy made no call");
            Assert.That(zendesk.Tickets[301].Priority, Is.EqualTo("low"), "the person's edit stands");
            Assert.That(await _host.HistoryAsync(write.CorrelationId), Is.EqualTo(new[] { "proposed", "approved", "duplicate", "applied" }),
                "the copy of the proposal counted, the second approval and the stale ApplyWrite without a trace");
        });
    }

    [Test]
    public async Task A_vendor_failing_past_the_retries_leaves_the_write_Applying_and_it_is_redriven_later_not_Failed()
    {
        var zendesk = await StartAsync(await FakeZendesk.StartAsync(VendorAccounts.ZendeskEmail, VendorAccounts.ZendeskToken, 302), "zendesk", hook: QuickRedrive);
        for (var i = 0; i < 3; i++)
            zendesk.FailNext(503, """{"error":"ServiceUnavailable","description":"Zendesk is down for maintenance"}""");
        var write = Proposals.SetPriority("302", "high", source: "zendesk");
        await _host!.ProposeAsync(write);
        await _host.WaitForStateAsync(write.CorrelationId, WriteStates.Applied);
        Assert.Multiple(async () =>
        {
            Assert.That(zendesk.Requests, Has.Count.EqualTo(4), "three 503s (first attempt and 2 retries), then the re-driven write");
            Assert.That(zendesk.Tickets[302].Priority, Is.EqualTo("high"));
            Assert.That(await _host.HistoryAsync(write.CorrelationId), Is.EqualTo(new[] { "proposed", "approved", "apply_deferred", "redriven", "applied" }));
        });
    }

    [Test]
    public async Task A_write_an_instance_left_Applying_without_publishing_its_ApplyWrite_is_redriven_by_the_sweeper()
    {
        _host = await WriterTestHost.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Writer:ApplyStuckAfter"] = "00:00:01",
            ["Writer:SweepInterval"] = "00:00:00.500",
        });
        var write = Proposals.SetPriority("T-9");
        await _host.ProposeAsync(write);
        await _host.WaitForStateAsync(write.CorrelationId, WriteStates.AwaitingApproval);
        // What an instance killed between committing an approval and publishing its ApplyWrite leaves behind.
        await _host.Database.ScalarAsync<int>($"""
            WITH decided AS (UPDATE write_approvals SET "CurrentState" = 'Applying', "DecidedBy" = 'alice', "DecidedAt" = now(),
                "UpdatedAt" = now() - interval '1 hour' WHERE "CorrelationId" = '{write.CorrelationId}' RETURNING 1)
            SELECT count(*)::int FROM decided
            """);
        await _host.WaitForStateAsync(write.CorrelationId, WriteStates.Applied);
        Assert.That(await _host.CountAsync($"FROM crm_journal WHERE \"CorrelationId\" = '{write.CorrelationId}'"), Is.EqualTo(1));
    }
}
