using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Agents.Contracts;
using Agents.Testing;
using Agents.Writer.Sagas;
using Agents.Writer.Tests.FakeVendors;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;

namespace Agents.Writer.Tests;

/// <summary>
/// Shadow mode on real RabbitMQ and PostgreSQL with a fake Zendesk: shadowed writes go through the saga, the bulk
/// guard and the audit and never reach the CRM; people's changes from the CRM's events settle each one as agreed,
/// disagreed or no human action, whether they arrive before or after the proposal, out of order, or mixed with the
/// echo of our own write.
/// </summary>
[TestFixture]
public class ShadowModeTests : WriterFixture
{
    /// <summary>set-priority graduated to auto from 0.8 (in shadow below it), add-tags waiting for a person.</summary>
    private const string Policy = """
        { "permissions": {
            "write:set-priority": { "allowed": true, "mode": "auto", "auto_approve_min_confidence": 0.8 },
            "write:add-tags":     { "allowed": true, "mode": "approve" },
            "write:set-category": { "allowed": true } } }
        """;

    private static readonly DateTimeOffset Version = new(2026, 12, 4, 9, 0, 0, TimeSpan.Zero);

    private FakeZendesk? _zendesk;

    [TearDown]
    public async Task StopVendor()
    {
        if (_zendesk is not null)
            await _zendesk.DisposeAsync();
    }

    [Test]
    public async Task Shadowed_writes_never_reach_the_crm_and_settle_against_what_people_did()
    {
        _zendesk = await FakeZendesk.StartAsync(VendorAccounts.ZendeskEmail, VendorAccounts.ZendeskToken, 1, 2, 3, 4, 5, 6, 7);
        _host = await WriterTestHost.StartAsync(Policy, VendorAccounts.Settings([_zendesk], new Dictionary<string, string?>
        {
            ["Writer:Crm:Routes:zendesk"] = "zendesk",
            ["Writer:SweepInterval"] = "00:00:00.200",
            ["Writer:Shadow:SettleAfterChange"] = "00:00:01",
            ["Writer:Shadow:QuietPeriod"] = "00:00:04",
            ["Writer:BulkGuard:MaxRecordsPerProposal"] = "10",
        }));

        // 1: people set the priority before the proposal reached the writer (the change is newer than the version the agent saw).
        await HumanAsync("1", "d1", Version.AddSeconds(5), "high", "agent-ana");
        var before = await ShadowAsync("1", "high");
        // 2: the proposal first, then a person chose otherwise.
        var disagreed = await ShadowAsync("2", "urgent");
        await HumanAsync("2", "d2", Version.AddSeconds(5), "low", "agent-bob");
        // 3: two changes delivered out of order: the vendor's later one (urgent) is what people settled on.
        var outOfOrder = await ShadowAsync("3", "urgent");
        await HumanAsync("3", "d3b", Version.AddSeconds(9), "urgent", "agent-ana");
        await HumanAsync("3", "d3a", Version.AddSeconds(4), "low", "agent-ana");
        // 4: nobody touched the ticket. A change older than the version the agent saw judges nothing.
        var untouched = await ShadowAsync("4", "high");
        await HumanAsync("4", "d4", Version.AddSeconds(-30), "low", "agent-ana");
        // 5: our own write, applied at confidence 0.9, echoed back by Zendesk; then a newer shadowed generation.
        var applied = Proposals.SetPriority("5", "urgent", confidence: 0.9, source: "zendesk") with { TicketUpdatedAt = Version.AddSeconds(-60) };
        await _host.ProposeAsync(applied);
        await _host.WaitForStateAsync(applied.CorrelationId, WriteStates.Applied);
        await HumanAsync("5", "d5", DateTimeOffset.UtcNow, "urgent", "api-user");
        await Eventually.Until(() => _host.CountAsync("FROM ticket_changes WHERE \"DeliveryId\" = 'd5'"), n => n == 1, TimeSpan.FromSeconds(20), "the echo kept");
        var afterEcho = await ShadowAsync("5", "high");
        // 6: a shadowed kind is held by the bulk guard like any other; 7: a kind that waits for a person still does.
        var bulk = Proposals.SetPriority("6", "high", recordCount: 40, confidence: 0.5, source: "zendesk");
        var tags = Proposals.AddTags("7", "billing", source: "zendesk");
        await _host.ProposeAsync(bulk);
        await _host.ProposeAsync(tags);
        await _host.WaitForStateAsync(bulk.CorrelationId, WriteStates.HeldForBulkReview);
        await _host.WaitForStateAsync(tags.CorrelationId, WriteStates.AwaitingApproval);

        var approve = await _host.ApproveAsync(disagreed.CorrelationId, "looks right");
        Assert.That(approve.StatusCode, Is.EqualTo(HttpStatusCode.Conflict), "a shadowed write is never decided by a person");

        await Eventually.Until(() => _host.CountAsync("FROM shadow_proposals WHERE \"SettledAt\" IS NULL"), n => n == 0,
            TimeSpan.FromSeconds(30), "every shadowed proposal settled");
        var outcomes = await OutcomesAsync();
        Assert.Multiple(async () =>
        {
            Assert.That(outcomes[before.CorrelationId], Is.EqualTo(("Agreed", "high", "agent-ana")));
            Assert.That(outcomes[disagreed.CorrelationId], Is.EqualTo(("Disagreed", "low", "agent-bob")));
            Assert.That(outcomes[outOfOrder.CorrelationId], Is.EqualTo(("Agreed", "urgent", "agent-ana")));
            Assert.That(outcomes[untouched.CorrelationId], Is.EqualTo(("NoHumanAction", (string?)null, (string?)null)));
            Assert.That(outcomes[afterEcho.CorrelationId], Is.EqualTo(("NoHumanAction", (string?)null, (string?)null)),
                "Zendesk's echo of our own write is not what people did");
            Assert.That(await _host.Database.ScalarOrNullAsync<string>("SELECT \"OurWrite\" FROM ticket_changes WHERE \"DeliveryId\" = 'd5'"),
                Is.EqualTo(applied.IdempotencyKey));
            Assert.That(await _host.HistoryAsync(disagreed.CorrelationId), Is.EqualTo(new[] { "proposed", "shadowed" }));
            // Only the write applied at 0.9 reached the vendor: no shadowed write, whatever happened to it.
            Assert.That(_zendesk.Requests.Select(r => $"{r.Method} {r.PathAndQuery}"), Is.EqualTo(new[] { "PUT /api/v2/tickets/5.json" }));
            Assert.That(_zendesk.Tickets[2].Priority, Is.EqualTo("normal"));
        });

        var report = await _host.Api.GetFromJsonAsync<JsonElement>("/shadow/report?kind=set-priority");
        var kind = report.GetProperty("kinds").EnumerateArray().Single();
        var stats = kind.GetProperty("stats");
        Assert.Multiple(() =>
        {
            Assert.That(kind.GetProperty("kind").GetString(), Is.EqualTo("set-priority"));
            Assert.That(stats.GetProperty("proposals").GetInt32(), Is.EqualTo(5));
            Assert.That(stats.GetProperty("agreed").GetInt32(), Is.EqualTo(2));
            Assert.That(stats.GetProperty("disagreed").GetInt32(), Is.EqualTo(1));
            Assert.That(stats.GetProperty("noHumanAction").GetInt32(), Is.EqualTo(2));
            Assert.That(kind.GetProperty("confusion").EnumerateArray().Select(c => $"{c.GetProperty("agent")}>{c.GetProperty("people")}:{c.GetProperty("count")}"),
                Is.EquivalentTo(new[] { "high>high:1", "urgent>low:1", "urgent>urgent:1" }));
            Assert.That(kind.GetProperty("graduation").GetProperty("policyLines").ValueKind, Is.EqualTo(JsonValueKind.Null), "3 judged tickets prove nothing");
        });
        using var stranger = new HttpClient { BaseAddress = _host.Api.BaseAddress };
        Assert.That((await stranger.GetAsync("/shadow/report")).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That((await _host.Api.GetAsync("/shadow/report?kind=delete-everything")).StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That((await _host.Api.GetAsync("/shadow/report?since=yesterday-ish")).StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
    }

    /// <summary>A set-priority proposal below the auto floor (in shadow), from the ticket version <see cref="Version"/>.</summary>
    private async Task<ProposeWrite> ShadowAsync(string ticket, string priority)
    {
        var proposal = Proposals.SetPriority(ticket, priority, confidence: 0.5, source: "zendesk") with { TicketUpdatedAt = Version };
        await _host!.ProposeAsync(proposal);
        await _host.WaitForStateAsync(proposal.CorrelationId, WriteStates.Shadowed);
        return proposal;
    }

    /// <summary>A priority change as ingest publishes it from Zendesk's <c>ticket.priority_changed</c> event.</summary>
    private Task HumanAsync(string ticket, string delivery, DateTimeOffset at, string priority, string actor) =>
        _host!.Writer.Services.GetRequiredService<IBus>().Publish(new TicketFieldsChanged
        {
            Source = "zendesk",
            ExternalId = ticket,
            DeliveryId = delivery,
            UpdatedAt = at,
            ReceivedAt = DateTimeOffset.UtcNow,
            Changes = [new FieldChange { Field = TicketFields.Priority, To = priority }],
            ChangedBy = actor,
        });

    private async Task<Dictionary<Guid, (string?, string?, string?)>> OutcomesAsync()
    {
        await using var connection = new Npgsql.NpgsqlConnection(_host!.Database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand("SELECT \"CorrelationId\", \"Outcome\", \"PeopleValue\", \"PeopleActor\" FROM shadow_proposals", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var outcomes = new Dictionary<Guid, (string?, string?, string?)>();
        while (await reader.ReadAsync())
            outcomes[reader.GetGuid(0)] = (reader.IsDBNull(1) ? null : reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetString(3));
        return outcomes;
    }
}
