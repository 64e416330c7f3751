using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Agents.Testing;
using Agents.Writer.Expiry;
using Agents.Writer.Sagas;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using NUnit.Framework;

namespace Agents.Writer.Tests;

/// <summary>The saga's rules on a real broker and database: duplicates, supersede, policy, API answers, expiry.</summary>
[TestFixture]
public class SagaRulesTests : WriterFixture
{
    [Test]
    public async Task Same_content_is_counted_and_new_content_supersedes_with_an_audit_entry()
    {
        _host = await WriterTestHost.StartAsync();
        var first = Proposals.SetPriority("T-1", "high");
        await _host.ProposeAsync(first);
        await _host.WaitForStateAsync(first.CorrelationId, WriteStates.AwaitingApproval);
        await _host.ProposeAsync(first);
        await _host.ProposeAsync(first with { ProposedAt = DateTimeOffset.UtcNow }); // same content, another copy
        await Eventually.Until(() => _host.Database.ScalarAsync<int>($"SELECT \"DuplicateCount\" FROM write_approvals WHERE \"CorrelationId\" = '{first.CorrelationId}'"),
            n => n == 2, TimeSpan.FromSeconds(20), "two duplicates counted");

        await _host.ProposeAsync(Proposals.SetPriority("T-1", "urgent"));
        await Eventually.Until(() => _host.HistoryAsync(first.CorrelationId), h => h.Contains("superseded"), TimeSpan.FromSeconds(20), "the supersede audit");
        var write = (await _host.DetailAsync(first.CorrelationId)).GetProperty("write");
        Assert.Multiple(async () =>
        {
            Assert.That(write.GetProperty("changes").GetProperty("priority").GetString(), Is.EqualTo("urgent"));
            Assert.That(write.GetProperty("state").GetString(), Is.EqualTo(WriteStates.AwaitingApproval));
            Assert.That(await _host.CountAsync("FROM write_approvals"), Is.EqualTo(1), "never a second hold");
        });
    }

    [Test]
    public async Task Policy_refuses_forbidden_and_unknown_kinds_and_auto_approves_above_the_confidence()
    {
        _host = await WriterTestHost.StartAsync(Policies.Example);
        var forbidden = Proposals.SetCategory("T-2", "billing");
        var confident = Proposals.AddTags("T-3", "billing,vip", confidence: 0.97) with { Before = new Dictionary<string, string?> { ["tags"] = "billing" } };
        var unsure = Proposals.AddTags("T-4", "billing", confidence: 0.6);
        foreach (var p in new[] { forbidden, confident, unsure })
            await _host.ProposeAsync(p);

        await _host.WaitForStateAsync(forbidden.CorrelationId, WriteStates.Refused);
        await _host.WaitForStateAsync(confident.CorrelationId, WriteStates.Applied);
        await _host.WaitForStateAsync(unsure.CorrelationId, WriteStates.AwaitingApproval);

        var refused = await _host.DetailAsync(forbidden.CorrelationId);
        Assert.That(refused.GetProperty("write").GetProperty("decisionReason").GetString(), Does.Contain("not allowed"));
        Assert.That(await _host.HistoryAsync(forbidden.CorrelationId), Is.EqualTo(new[] { "proposed", "refused" }));
        var auto = (await _host.DetailAsync(confident.CorrelationId)).GetProperty("write");
        Assert.That(auto.GetProperty("decidedBy").GetString(), Is.EqualTo("policy"));
        Assert.That(await _host.CountAsync("FROM crm_journal"), Is.EqualTo(1), "only the auto-approved write reached the CRM");

        // The API answers JSON values, not JSON inside strings: a client reads them without parsing twice.
        var journal = await _host.Api.GetFromJsonAsync<JsonElement>("/journal");
        Assert.Multiple(() =>
        {
            Assert.That(auto.GetProperty("classification").GetProperty("category").GetString(), Is.EqualTo("billing"));
            Assert.That(auto.GetProperty("before").GetProperty("tags").GetString(), Is.EqualTo("billing"));
            Assert.That(journal[0].GetProperty("changes").GetProperty("tags").GetString(), Is.EqualTo("billing,vip"));
        });
        // And the OpenAPI document says so to clients.
        using var openapi = JsonDocument.Parse(await _host.Api.GetStringAsync("/openapi/v1.json"));
        var summary = openapi.RootElement.GetProperty("components").GetProperty("schemas").EnumerateObject()
            .Single(schema => schema.Name.EndsWith("WriteSummary", StringComparison.Ordinal)).Value.GetProperty("properties");
        Assert.That(summary.GetProperty("before").GetRawText(), Does.Contain("additionalProperties"));
        Assert.That(summary.GetProperty("classification").GetRawText(), Does.Contain("#/components/schemas/Classification"));

        // Approving a refused write is a clear error, and a second copy of it is a counted duplicate.
        var approve = await _host.Api.PostAsJsonAsync($"/approvals/{forbidden.CorrelationId}/approve", new { reason = "please" });
        Assert.That(approve.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
        Assert.That(await approve.Content.ReadAsStringAsync(), Does.Contain("Refused"));
    }

    [Test]
    public async Task Api_answers_by_state_and_keeps_every_decision_with_its_approver()
    {
        _host = await WriterTestHost.StartAsync();
        var a = Proposals.SetPriority("T-5");
        var b = Proposals.SetPriority("T-6");
        await _host.ProposeAsync(a);
        await _host.ProposeAsync(b);
        await _host.WaitForStateAsync(a.CorrelationId, WriteStates.AwaitingApproval);
        await _host.WaitForStateAsync(b.CorrelationId, WriteStates.AwaitingApproval);

        using (var anonymous = new HttpClient { BaseAddress = _host.Writer.Address })
            Assert.That((await anonymous.PostAsJsonAsync($"/approvals/{a.CorrelationId}/approve", new { })).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That((await _host.Api.PostAsJsonAsync($"/approvals/{Guid.NewGuid()}/approve", new { })).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));

        Assert.That((await _host.ApproveAsync(a.CorrelationId, "right")).StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        await _host.WaitForStateAsync(a.CorrelationId, WriteStates.Applied);
        var again = await _host.Api.PostAsJsonAsync($"/approvals/{a.CorrelationId}/approve", new { reason = "again" });
        Assert.That(again.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
        Assert.That((await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("state").GetString(), Is.EqualTo("Applied"));
        Assert.That((await _host.Api.PostAsJsonAsync($"/approvals/{a.CorrelationId}/reject", new { })).StatusCode, Is.EqualTo(HttpStatusCode.Conflict));

        Assert.That((await _host.Api.PostAsJsonAsync($"/approvals/{b.CorrelationId}/reject", new { reason = "wrong" })).StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        await _host.WaitForStateAsync(b.CorrelationId, WriteStates.Rejected);
        Assert.That((await _host.Api.PostAsJsonAsync($"/approvals/{b.CorrelationId}/reject", new { })).StatusCode, Is.EqualTo(HttpStatusCode.OK), "rejecting twice is harmless");
        Assert.That((await _host.Api.PostAsJsonAsync($"/approvals/{b.CorrelationId}/approve", new { })).StatusCode, Is.EqualTo(HttpStatusCode.Conflict));

        Assert.That(await _host.CountAsync("FROM crm_journal"), Is.EqualTo(1));
        Assert.That(await _host.CountAsync($"FROM write_audit WHERE \"Action\" IN ('approved','rejected') AND \"Actor\" = 'alice'"), Is.EqualTo(2));
    }

    [Test]
    public async Task A_pending_write_expires_through_the_sweeper_and_cannot_be_approved_after()
    {
        _host = await WriterTestHost.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Writer:ApprovalTimeout"] = "00:00:02",
            ["Writer:SweepInterval"] = "00:00:01",
        });
        var p = Proposals.SetPriority("T-7");
        await _host.ProposeAsync(p);
        await _host.WaitForStateAsync(p.CorrelationId, WriteStates.Expired, seconds: 30);
        Assert.That(await _host.HistoryAsync(p.CorrelationId), Is.EqualTo(new[] { "proposed", "expired" }));
        var approve = await _host.Api.PostAsJsonAsync($"/approvals/{p.CorrelationId}/approve", new { });
        Assert.That(approve.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
        Assert.That(await approve.Content.ReadAsStringAsync(), Does.Contain("Expired"));
    }

    [Test]
    public async Task Only_the_instance_holding_the_sweep_lock_sweeps_and_the_lock_ends_with_its_transaction()
    {
        // The hosted sweeper never ticks during the test: the test sweeps by hand, as a second instance would.
        _host = await WriterTestHost.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Writer:ApprovalTimeout"] = "00:00:01",
            ["Writer:SweepInterval"] = "01:00:00",
        });
        var p = Proposals.SetPriority("T-8");
        await _host.ProposeAsync(p);
        await _host.WaitForStateAsync(p.CorrelationId, WriteStates.AwaitingApproval);
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        var sweeper = _host.Writer.Services.GetServices<IHostedService>().OfType<ExpirySweeper>().Single();

        await using (var other = new NpgsqlConnection(_host.Database.ConnectionString))
        {
            await other.OpenAsync();
            await using var tx = await other.BeginTransactionAsync();
            await using var hold = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@k)", other, tx);
            hold.Parameters.AddWithValue("k", ExpirySweeper.Lock);
            await hold.ExecuteScalarAsync();
            Assert.That(await sweeper.SweepOnceAsync(CancellationToken.None), Is.Zero, "another instance holds the lock");
            await tx.CommitAsync();
        }
        Assert.That(await _host.StateAsync(p.CorrelationId), Is.EqualTo(WriteStates.AwaitingApproval));

        Assert.That(await sweeper.SweepOnceAsync(CancellationToken.None), Is.EqualTo(1), "the lock ended with the other transaction");
        await _host.WaitForStateAsync(p.CorrelationId, WriteStates.Expired);
        // The sweep's own lock ended with its commit: a third instance gets it at once (and finds nothing due).
        await using var third = new NpgsqlConnection(_host.Database.ConnectionString);
        await third.OpenAsync();
        await using var tryLock = new NpgsqlCommand("SELECT pg_try_advisory_lock(@k)", third);
        tryLock.Parameters.AddWithValue("k", ExpirySweeper.Lock);
        Assert.That(await tryLock.ExecuteScalarAsync(), Is.True);
    }
}
