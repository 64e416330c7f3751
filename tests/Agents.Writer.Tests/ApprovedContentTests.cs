using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Agents.Contracts;
using Agents.Testing;
using Agents.Writer.Sagas;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;

namespace Agents.Writer.Tests;

/// <summary>
/// An approval applies exactly the content the approver saw: a decision names the version (content hash) it was
/// taken on, and a write that changed meanwhile is not applied on the strength of it.
/// </summary>
[TestFixture]
public class ApprovedContentTests : WriterFixture
{
    [Test]
    public async Task Approving_a_version_that_was_superseded_is_refused_with_the_current_one_and_nothing_is_applied()
    {
        var (host, seen, shown) = await HeldAsync("H-1");

        // The approver has the page open on "high" when a newer proposal says "urgent".
        await host.ProposeAsync(Proposals.SetPriority("H-1", "urgent"));
        await Eventually.Until(() => host.HistoryAsync(seen.CorrelationId), h => h.Contains("superseded"), TimeSpan.FromSeconds(20), "the supersede");

        var stale = await host.Api.PostAsJsonAsync($"/approvals/{seen.CorrelationId}/approve", new { reason = "high is right", contentHash = shown });
        Assert.That(stale.StatusCode, Is.EqualTo(HttpStatusCode.Conflict), await stale.Content.ReadAsStringAsync());
        var problem = await stale.Content.ReadFromJsonAsync<JsonElement>();
        var current = problem.GetProperty("current");
        Assert.Multiple(() =>
        {
            Assert.That(problem.GetProperty("title").GetString(), Does.Contain("changed since"));
            Assert.That(current.GetProperty("changes").GetProperty("priority").GetString(), Is.EqualTo("urgent"));
            Assert.That(current.GetProperty("contentHash").GetString(), Is.Not.EqualTo(shown));
        });
        var missing = await host.Api.PostAsJsonAsync($"/approvals/{seen.CorrelationId}/approve", new { reason = "no version" });
        Assert.That(missing.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), "an approval must say which version it approves");
        await Task.Delay(500);
        Assert.That(await host.CountAsync("FROM crm_journal"), Is.Zero, "nothing applied");
        Assert.That(await host.StateAsync(seen.CorrelationId), Is.EqualTo(WriteStates.AwaitingApproval));

        // Approving what is there now works, and the audit row keeps the version approved.
        var currentHash = current.GetProperty("contentHash").GetString();
        var approve = await host.Api.PostAsJsonAsync($"/approvals/{seen.CorrelationId}/approve", new { reason = "urgent, then", contentHash = currentHash });
        Assert.That(approve.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        await host.WaitForStateAsync(seen.CorrelationId, WriteStates.Applied);
        Assert.That(await host.Database.ScalarAsync<string>(
                $"SELECT \"ContentHash\" FROM write_audit WHERE \"Action\" = 'approved' AND \"CorrelationId\" = '{seen.CorrelationId}'"),
            Is.EqualTo(currentHash));
        Assert.That(await host.Database.ScalarAsync<string>("SELECT \"Changes\"->>'priority' FROM crm_journal"), Is.EqualTo("urgent"));
    }

    [Test]
    public async Task Approving_an_applied_write_again_on_its_version_answers_200_and_applies_nothing_more_another_version_is_refused()
    {
        // Several approvers click at once (the walking skeleton's race): one click may arrive after the write was applied.
        var (host, write, hash) = await HeldAsync("H-9");
        var approve = (string? contentHash) => host.Api.PostAsJsonAsync($"/approvals/{write.CorrelationId}/approve", new { reason = "ok", contentHash });
        Assert.That((await approve(hash)).StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        await host.WaitForStateAsync(write.CorrelationId, WriteStates.Applied);

        using var again = await approve(hash);
        using var other = await approve(WriteContent.Hash(Proposals.SetPriority("H-9", "low")));
        using var none = await approve(null);
        var answer = await again.Content.ReadFromJsonAsync<JsonElement>();
        await Task.Delay(500); // a second ApproveWrite, had one been published, would have reached the saga by now
        Assert.Multiple(async () =>
        {
            Assert.That(again.StatusCode, Is.EqualTo(HttpStatusCode.OK), answer.ToString());
            Assert.That(answer.GetProperty("state").GetString(), Is.EqualTo(WriteStates.Applied));
            Assert.That(answer.GetProperty("contentHash").GetString(), Is.EqualTo(hash));
            Assert.That(other.StatusCode, Is.EqualTo(HttpStatusCode.Conflict), "another version");
            Assert.That((await other.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("contentHash").GetString(), Is.EqualTo(hash));
            Assert.That(none.StatusCode, Is.EqualTo(HttpStatusCode.Conflict), "no version");
            Assert.That(await host.CountAsync("FROM crm_journal"), Is.EqualTo(1), "applied once");
            Assert.That(await host.CountAsync($"FROM write_audit WHERE \"Action\" = 'approved' AND \"CorrelationId\" = '{write.CorrelationId}'"),
                Is.EqualTo(1), "one approval decided");
        });
    }

    [Test]
    public async Task Decisions_on_the_bus_that_name_another_version_are_refused_and_a_batch_changed_since_it_was_seen_is_not_released()
    {
        _host = await WriterTestHost.StartAsync(settings: new Dictionary<string, string?> { ["Writer:BulkGuard:MaxRecordsPerProposal"] = "50" });
        var bus = _host.Writer.Services.GetRequiredService<IBus>();
        var write = Proposals.SetPriority("H-2", "high");
        await _host.ProposeAsync(write);
        await _host.WaitForStateAsync(write.CorrelationId, WriteStates.AwaitingApproval);
        // Any client on the bus: a stale version, and no version at all.
        await bus.Publish(new ApproveWrite { CorrelationId = write.CorrelationId, Approver = "bob", ContentHash = WriteContent.Hash(Proposals.SetPriority("H-2", "low")) });
        await bus.Publish(new ApproveWrite { CorrelationId = write.CorrelationId, Approver = "bob" });
        await Eventually.Until(() => _host.CountAsync($"FROM write_audit WHERE \"Action\" = 'refused' AND \"Actor\" = 'bob' AND \"CorrelationId\" = '{write.CorrelationId}'"),
            n => n == 2, TimeSpan.FromSeconds(20), "both approvals refused");
        Assert.That(await _host.StateAsync(write.CorrelationId), Is.EqualTo(WriteStates.AwaitingApproval));

        // A batch the approver saw with one write, which then gained a second: releasing what was seen is refused.
        var first = Proposals.SetCategory("H-3", "billing") with { RecordCount = 120 };
        await _host.ProposeAsync(first);
        await _host.WaitForStateAsync(first.CorrelationId, WriteStates.HeldForBulkReview);
        var seen = (await _host.Api.GetFromJsonAsync<List<JsonElement>>("/approvals/batches"))!.Single();
        var batchId = seen.GetProperty("batchId").GetGuid();
        var second = Proposals.SetCategory("H-4", "billing") with { RecordCount = 120 };
        await _host.ProposeAsync(second);
        await _host.WaitForStateAsync(second.CorrelationId, WriteStates.HeldForBulkReview);
        var stale = await _host.Api.PostAsJsonAsync($"/approvals/batches/{batchId}/release", new { reason = "saw one", contentHash = seen.GetProperty("contentHash").GetString() });
        Assert.That(stale.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
        Assert.That((await stale.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("current").GetProperty("count").GetInt32(), Is.EqualTo(2));

        // A write that changed after its batch was decided (its decision names the old version) is held again.
        await bus.Publish(new BatchWriteDecided
        {
            CorrelationId = first.CorrelationId, BatchId = batchId, Released = true, Approver = "bob", ContentHash = "0BSOLETE",
        });
        await Eventually.Until(() => _host.HistoryAsync(first.CorrelationId), h => h.Count(a => a == "bulk_held") == 2, TimeSpan.FromSeconds(20), "held again");
        Assert.That(await _host.StateAsync(first.CorrelationId), Is.EqualTo(WriteStates.HeldForBulkReview));

        var release = await _host.Api.DecideBatchAsync(batchId, "release", "saw both");
        Assert.That(release.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        await _host.WaitForStateAsync(first.CorrelationId, WriteStates.AwaitingApproval);
        await _host.WaitForStateAsync(second.CorrelationId, WriteStates.AwaitingApproval);
        Assert.That(await _host.CountAsync("FROM crm_journal"), Is.Zero);
    }

    /// <summary>A writer started, a "high" priority proposal held for approval, and the version an approver is shown.</summary>
    private async Task<(WriterTestHost Host, ProposeWrite Write, string? Shown)> HeldAsync(string externalId)
    {
        var host = _host = await WriterTestHost.StartAsync();
        var write = Proposals.SetPriority(externalId, "high");
        await host.ProposeAsync(write);
        await host.WaitForStateAsync(write.CorrelationId, WriteStates.AwaitingApproval);
        return (host, write, (await host.DetailAsync(write.CorrelationId)).GetProperty("write").GetProperty("contentHash").GetString());
    }
}
