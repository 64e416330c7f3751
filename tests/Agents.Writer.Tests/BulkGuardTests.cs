using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Agents.Testing;
using Agents.Writer.Sagas;
using NUnit.Framework;

namespace Agents.Writer.Tests;

/// <summary>
/// The bulk guard: a proposal touching too many records, or a burst of one kind, is held in a batch; nothing of it
/// reaches the CRM until a person releases or rejects the batch as a whole.
/// </summary>
[TestFixture]
public class BulkGuardTests : WriterFixture
{
    [Test]
    public async Task Too_many_records_holds_the_kind_in_one_batch_until_released_then_policy_applies()
    {
        // Even writes the policy would auto-approve are held: the guard comes before auto-approval.
        _host = await WriterTestHost.StartAsync(Policies.AutoApproveAll, new Dictionary<string, string?>
        {
            ["Writer:BulkGuard:MaxRecordsPerProposal"] = "50",
        });
        var huge = Proposals.SetPriority("T-500", recordCount: 500);
        await _host.ProposeAsync(huge);
        await _host.WaitForStateAsync(huge.CorrelationId, WriteStates.HeldForBulkReview);
        // The fuse stays blown for the kind: the next small proposal of it joins the batch.
        var small = Proposals.SetPriority("T-501");
        await _host.ProposeAsync(small);
        await _host.WaitForStateAsync(small.CorrelationId, WriteStates.HeldForBulkReview);
        // Another kind is not affected.
        var tags = Proposals.AddTags("T-502", "vip");
        await _host.ProposeAsync(tags);
        await _host.WaitForStateAsync(tags.CorrelationId, WriteStates.Applied);

        var held = await _host.Api.GetFromJsonAsync<List<JsonElement>>("/approvals?state=HeldForBulkReview");
        Assert.That(held, Has.Count.EqualTo(2));
        var batchId = held![0].GetProperty("batchId").GetGuid();
        Assert.That(held.Select(w => w.GetProperty("batchId").GetGuid()), Is.All.EqualTo(batchId));
        var batches = await _host.Api.GetFromJsonAsync<List<JsonElement>>("/approvals/batches");
        Assert.That(batches, Has.Count.EqualTo(1));
        Assert.Multiple(() =>
        {
            Assert.That(batches![0].GetProperty("batchId").GetGuid(), Is.EqualTo(batchId));
            Assert.That(batches[0].GetProperty("kind").GetString(), Is.EqualTo("set-priority"));
            Assert.That(batches[0].GetProperty("count").GetInt32(), Is.EqualTo(2));
            Assert.That(batches[0].GetProperty("reason").GetString(), Does.Contain("500 records"));
            Assert.That(batches[0].TryGetProperty("openedAt", out _), Is.True);
        });

        // One by one is refused: the batch is decided as a whole.
        var single = await _host.Api.PostAsJsonAsync($"/approvals/{small.CorrelationId}/approve", new { reason = "just this one" });
        Assert.That(single.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
        Assert.That(await single.Content.ReadAsStringAsync(), Does.Contain(batchId.ToString()));
        Assert.That(await _host.CountAsync("FROM crm_journal WHERE \"Kind\" = 'set-priority'"), Is.Zero);

        var release = await _host.Api.DecideBatchAsync(batchId, "release", "checked, intended");
        Assert.That(release.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        await _host.WaitForStateAsync(huge.CorrelationId, WriteStates.Applied);
        await _host.WaitForStateAsync(small.CorrelationId, WriteStates.Applied);
        Assert.That(await _host.CountAsync("FROM crm_journal"), Is.EqualTo(3));
        Assert.That(await _host.Api.GetFromJsonAsync<List<JsonElement>>("/approvals/batches"), Is.Empty);
        Assert.That((await _host.Api.PostAsJsonAsync($"/approvals/batches/{batchId}/release", new { })).StatusCode, Is.EqualTo(HttpStatusCode.OK), "releasing twice is harmless");
        Assert.That((await _host.Api.PostAsJsonAsync($"/approvals/batches/{batchId}/reject", new { })).StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
        Assert.That(await _host.HistoryAsync(small.CorrelationId), Is.EqualTo(new[] { "proposed", "bulk_held", "released", "approved", "applied" }));

        // After the release the kind flows again.
        var after = Proposals.SetPriority("T-503");
        await _host.ProposeAsync(after);
        await _host.WaitForStateAsync(after.CorrelationId, WriteStates.Applied);
    }

    [Test]
    public async Task A_burst_of_one_kind_is_held_and_rejecting_the_batch_rejects_every_write_of_it()
    {
        _host = await WriterTestHost.StartAsync(Policies.AutoApproveAll, new Dictionary<string, string?>
        {
            ["Writer:BulkGuard:MaxProposalsPerMinute"] = "3",
        });
        var burst = Enumerable.Range(0, 8).Select(i => Proposals.SetPriority($"B-{i}")).ToList();
        foreach (var p in burst)
        {
            await _host.ProposeAsync(p);
            // One at a time, so which ones are under the limit is deterministic.
            await Eventually.Until(() => _host.StateAsync(p.CorrelationId), s => s is not null, TimeSpan.FromSeconds(20), "the proposal to land");
        }
        foreach (var p in burst.Take(3))
            await _host.WaitForStateAsync(p.CorrelationId, WriteStates.Applied);
        foreach (var p in burst.Skip(3))
            await _host.WaitForStateAsync(p.CorrelationId, WriteStates.HeldForBulkReview);

        var batches = await _host.Api.GetFromJsonAsync<List<JsonElement>>("/approvals/batches");
        Assert.That(batches, Has.Count.EqualTo(1));
        Assert.That(batches![0].GetProperty("count").GetInt32(), Is.EqualTo(5));
        Assert.That(batches[0].GetProperty("reason").GetString(), Does.Contain("within a minute"));
        var batchId = batches[0].GetProperty("batchId").GetGuid();

        var reject = await _host.Api.DecideBatchAsync(batchId, "reject", "runaway agent");
        Assert.That(reject.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        foreach (var p in burst.Skip(3))
            await _host.WaitForStateAsync(p.CorrelationId, WriteStates.Rejected);
        Assert.That(await _host.CountAsync("FROM crm_journal"), Is.EqualTo(3), "nothing of the batch was applied");
        Assert.That(await _host.CountAsync("FROM write_audit WHERE \"Action\" = 'rejected' AND \"Actor\" = 'alice'"), Is.EqualTo(5));
        Assert.That((await _host.Api.PostAsJsonAsync($"/approvals/batches/{Guid.NewGuid()}/reject", new { })).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }
}
