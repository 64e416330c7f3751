using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Agents.Contracts;
using Agents.Testing;
using NUnit.Framework;

namespace Agents.EndToEnd.Tests;

/// <summary>The whole path on a real broker and database: signed webhook in, approval, one journal row out.</summary>
[TestFixture]
public class WalkingSkeletonTests
{
    private AgentsSystem _system = null!;

    [SetUp]
    public async Task Start() => _system = await AgentsSystem.StartAsync();

    [TearDown]
    public async Task Stop()
    {
        if (_system is not null)
            await _system.DisposeAsync();
    }

    [Test]
    public async Task Signed_webhook_then_approval_applies_exactly_one_journal_row()
    {
        var delivered = await _system.DeliverAsync(Tickets.Billing("T-1001"), "msg_e2e_1");
        Assert.That(delivered.Accepted, Is.True, delivered.Answer);

        var key = WriteKey.For("generic", "T-1001", WriteKinds.SetPriority);
        var pending = await Eventually.Until(() => _system.WritesAsync(),
            w => w.Any(x => x.GetProperty("idempotencyKey").GetString() == key), TimeSpan.FromSeconds(30), "the proposal to be held");
        var write = pending.Single(x => x.GetProperty("idempotencyKey").GetString() == key);
        Assert.That(write.GetProperty("changes").GetProperty("priority").GetString(), Is.EqualTo("medium"));
        var id = write.GetProperty("id").GetGuid();

        var approve = await _system.Writer.Client.ApproveAsync(id, "looks right");
        Assert.That(approve.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));

        await Eventually.Until(() => _system.Database.ScalarAsync<long>($"SELECT count(*) FROM crm_journal WHERE \"IdempotencyKey\" = '{key}'"),
            n => n == 1, TimeSpan.FromSeconds(30), "the journal row");
        await Eventually.Until(() => _system.WritesAsync("Applied"), w => w.Count == 1, TimeSpan.FromSeconds(30), "the saga to reach Applied");

        // Approving the applied version again confirms it and changes nothing; another version is refused with the reason.
        var again = await _system.Writer.Client.ApproveAsync(id, "again");
        Assert.That(again.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await again.Content.ReadAsStringAsync(), Does.Contain("Applied"));
        var other = await _system.Writer.Client.PostAsJsonAsync($"/approvals/{id}/approve", new { contentHash = new string('0', 64) });
        Assert.That(other.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
        await Task.Delay(1000);
        Assert.That(await _system.Database.ScalarAsync<long>("SELECT count(*) FROM crm_journal"), Is.EqualTo(1));

        var detail = await _system.Writer.Client.GetFromJsonAsync<JsonElement>($"/approvals/{id}");
        var actions = detail.GetProperty("history").EnumerateArray().Select(h => h.GetProperty("action").GetString()).ToList();
        Assert.That(actions, Is.EqualTo(new[] { "proposed", "approved", "applied" }));
        Assert.That(detail.GetProperty("history")[1].GetProperty("actor").GetString(), Is.EqualTo("alice"));
    }

    [Test]
    public async Task Same_webhook_five_times_concurrently_holds_one_write_and_applies_it_once()
    {
        var body = Tickets.Billing("T-2002");
        var responses = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => _system.SendGenericAsync(body, "msg_dup_1")));
        Assert.That(responses.Select(r => (int)r.StatusCode), Is.All.AnyOf(200, 202));

        var key = WriteKey.For("generic", "T-2002", WriteKinds.SetPriority);
        // Let every copy reach the writer before counting.
        await Task.Delay(3000);
        var pending = (await _system.WritesAsync()).Where(x => x.GetProperty("idempotencyKey").GetString() == key).ToList();
        Assert.That(pending, Has.Count.EqualTo(1), "one held write for the key, whatever the copies");
        Assert.That(await _system.Database.ScalarAsync<long>($"SELECT count(*) FROM write_approvals WHERE \"IdempotencyKey\" = '{key}'"), Is.EqualTo(1));

        // Three clicks on the one version shown.
        var id = pending[0].GetProperty("id").GetGuid();
        var shown = pending[0].GetProperty("contentHash").GetString();
        var approvals = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ =>
            _system.Writer.Client.PostAsJsonAsync($"/approvals/{id}/approve", new { reason = "ok", contentHash = shown })));
        Assert.That(approvals.Select(a => (int)a.StatusCode), Is.All.AnyOf(200, 202));

        await Eventually.Until(() => _system.WritesAsync("Applied"), w => w.Count == 1, TimeSpan.FromSeconds(30), "Applied");
        await Task.Delay(1000);
        Assert.That(await _system.Database.ScalarAsync<long>($"SELECT count(*) FROM crm_journal WHERE \"IdempotencyKey\" = '{key}'"), Is.EqualTo(1));
    }
}
