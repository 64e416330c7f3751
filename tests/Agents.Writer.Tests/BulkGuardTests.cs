using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Agents.Harness;
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

        // A proposal that does not say how many records it touches cannot be judged by the guard: refused.
        var uncounted = Proposals.SetPriority("T-504", recordCount: 0);
        await _host.ProposeAsync(uncounted);
        await _host.WaitForStateAsync(uncounted.CorrelationId, WriteStates.Refused);
        Assert.That((await _host.DetailAsync(uncounted.CorrelationId)).GetProperty("write").GetProperty("decisionReason").GetString(),
            Does.Contain("record count 0"));
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

    [Test]
    public async Task Five_hundred_proposals_in_a_minute_with_the_shipped_settings_are_held_for_bulk_review()
    {
        // The writer as shipped: its own appsettings.json and policy.yaml, nothing set for the guard.
        await using var cluster = await WriterCluster.StartAsync(1, Policies.Shipped);
        var (bus, database) = (cluster.Bus, cluster.Database);
        // An agent gone wrong: a priority change for 500 tickets of one source at once.
        var runaway = Enumerable.Range(0, 500).Select(i => Proposals.SetPriority($"RUN-{i}", "urgent", source: "zendesk")).ToList();
        await Parallel.ForEachAsync(runaway, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (p, ct) => await bus.Publish(p, ct));
        await Eventually.Until(() => database.ScalarAsync<long>("SELECT count(*) FROM write_approvals"), n => n == 500,
            TimeSpan.FromSeconds(90), "all 500 proposals handled");

        var held = await database.ScalarAsync<long>("SELECT count(*) FROM write_approvals WHERE \"CurrentState\" = 'HeldForBulkReview'");
        var awaiting = await database.ScalarAsync<long>("SELECT count(*) FROM write_approvals WHERE \"CurrentState\" = 'AwaitingApproval'");
        TestContext.Out.WriteLine($"held={held} awaiting={awaiting}");
        Assert.Multiple(() =>
        {
            Assert.That(held, Is.GreaterThanOrEqualTo(400), "everything past the shipped 100 per minute is held");
            Assert.That(awaiting, Is.LessThanOrEqualTo(100));
            Assert.That(held + awaiting, Is.EqualTo(500));
        });
        Assert.That(await database.ScalarAsync<long>("SELECT count(*) FROM bulk_batches WHERE \"ClosedAt\" IS NULL"), Is.EqualTo(1), "in one batch");

        // The fuse is per source: another source's writes of the kind go on as usual.
        var other = Proposals.SetPriority("OTHER-1", "high", source: "freshdesk");
        await bus.Publish(other);
        await Eventually.Until(() => database.ScalarOrNullAsync<string>($"SELECT \"CurrentState\" FROM write_approvals WHERE \"CorrelationId\" = '{other.CorrelationId}'"),
            s => s is not null, TimeSpan.FromSeconds(30), "the other source's proposal");
        Assert.That(await database.ScalarOrNullAsync<string>($"SELECT \"CurrentState\" FROM write_approvals WHERE \"CorrelationId\" = '{other.CorrelationId}'"),
            Is.EqualTo("AwaitingApproval"));
    }
}
