using System.Text.Json;
using Agents.Testing;
using Agents.Writer.Sagas;
using Agents.Writer.Tests.FakeVendors;
using NUnit.Framework;

namespace Agents.Writer.Tests;

/// <summary>
/// A ticket's later life is not frozen by its first write: a proposal from a newer ticket version opens a new
/// generation of a decided write (one CRM write per generation, each under its own key), the same content again is
/// still a duplicate, and a proposal from an older version never replaces one from a newer version.
/// </summary>
[TestFixture]
public class GenerationTests : VendorFixture
{
    private static readonly DateTimeOffset Monday = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);

    [Test]
    public async Task Newer_versions_of_a_decided_write_open_generations_each_written_once_and_the_same_content_stays_a_duplicate()
    {
        var zendesk = await StartAsync(await FakeZendesk.StartAsync(VendorAccounts.ZendeskEmail, VendorAccounts.ZendeskToken, 401), "zendesk");
        var first = Proposals.SetPriority("401", "high", source: "zendesk") with { TicketUpdatedAt = Monday };
        // Generation 1 is still being applied (the vendor asks to wait) when the ticket changes and the classifier
        // proposes again: the newer version waits for generation 1 to finish, then becomes generation 2.
        zendesk.FailNext(429, """{"error":"APIRateLimitExceeded"}""", TimeSpan.FromSeconds(2));
        await _host!.ProposeAsync(first);
        await _host.WaitForStateAsync(first.CorrelationId, WriteStates.Applying);
        var second = Proposals.SetPriority("401", "urgent", source: "zendesk") with { TicketUpdatedAt = Monday.AddHours(1) };
        await _host.ProposeAsync(second);
        await Eventually.Until(() => Task.FromResult(zendesk.Tickets[401].Priority), p => p == "urgent", TimeSpan.FromSeconds(30), "generation 2 written");
        await _host.WaitForStateAsync(first.CorrelationId, WriteStates.Applied);

        // Decided, the write takes a newer version at once as generation 3; the same content again, even from a newer
        // version, and anything from an older version, are duplicates.
        await _host.ProposeAsync(second with { TicketUpdatedAt = Monday.AddHours(2) });
        await _host.ProposeAsync(Proposals.SetPriority("401", "low", source: "zendesk") with { TicketUpdatedAt = Monday.AddMinutes(30) });
        var third = Proposals.SetPriority("401", "normal", source: "zendesk") with { TicketUpdatedAt = Monday.AddHours(3) };
        await _host.ProposeAsync(third);
        await Eventually.Until(() => Task.FromResult(zendesk.Tickets[401].Priority), p => p == "normal", TimeSpan.FromSeconds(30), "generation 3 written");
        await _host.WaitForStateAsync(first.CorrelationId, WriteStates.Applied);

        var writes = zendesk.Requests.Where(r => r.Method == "PUT").ToList();
        TestContext.Out.WriteLine(string.Join("\n", (await _host.DetailAsync(first.CorrelationId)).GetProperty("history").EnumerateArray().Select(h => $"{h.GetProperty("generation")} {h.GetProperty("action")} {h.GetProperty("detail")}")));
        var write = (await _host.DetailAsync(first.CorrelationId)).GetProperty("write");
        Assert.Multiple(async () =>
        {
            Assert.That(writes.Select(r => JsonDocument.Parse(r.Body).RootElement.GetProperty("ticket").GetProperty("priority").GetString()),
                Is.EqualTo(new[] { "high", "high", "urgent", "normal" }), "the 429, then one write per generation");
            Assert.That(writes.Skip(1).Select(r => r.IdempotencyKey).Distinct().Count(), Is.EqualTo(3), "each generation its own vendor key");
            Assert.That(write.GetProperty("generation").GetInt32(), Is.EqualTo(3));
            Assert.That(await _host.CountAsync("FROM write_approvals"), Is.EqualTo(1), "one row per key, whatever the generation");
            Assert.That(await _host.CountAsync($"FROM write_audit WHERE \"Action\" = 'generation' AND \"CorrelationId\" = '{first.CorrelationId}'"), Is.EqualTo(2));
            Assert.That(await _host.CountAsync($"FROM write_audit WHERE \"Action\" = 'duplicate' AND \"CorrelationId\" = '{first.CorrelationId}'"), Is.EqualTo(2));
        });
    }

    [Test]
    public async Task A_proposal_from_an_older_ticket_version_never_supersedes_a_newer_pending_one()
    {
        _host = await WriterTestHost.StartAsync(Policies.Shipped);
        var newer = Proposals.SetPriority("G-2", "urgent") with { TicketUpdatedAt = Monday.AddHours(1) };
        await _host.ProposeAsync(newer);
        await _host.WaitForStateAsync(newer.CorrelationId, WriteStates.AwaitingApproval);
        // The webhook of the ticket's earlier state arrives late (vendors do not promise order).
        await _host.ProposeAsync(Proposals.SetPriority("G-2", "low") with { TicketUpdatedAt = Monday });
        await Eventually.Until(() => _host.HistoryAsync(newer.CorrelationId), h => h.Count > 1, TimeSpan.FromSeconds(20), "the late proposal handled");
        var write = (await _host.DetailAsync(newer.CorrelationId)).GetProperty("write");
        Assert.Multiple(async () =>
        {
            Assert.That(write.GetProperty("changes").GetProperty("priority").GetString(), Is.EqualTo("urgent"));
            Assert.That(await _host.HistoryAsync(newer.CorrelationId), Is.EqualTo(new[] { "proposed", "stale" }));
        });
    }
}
