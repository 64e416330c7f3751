using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Agents.Contracts;
using Agents.Testing;
using Agents.Writer.Escalations;
using Agents.Writer.Sagas;
using Agents.Writer.Telemetry;
using Agents.Writer.Tests.FakeVendors;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;

namespace Agents.Writer.Tests;

/// <summary>
/// Every escalation lands with a person exactly once: one inbox row per ticket and version (copies counted on it),
/// and one <c>escalate</c> write per row through the shipped policy to the ticket's own CRM, in the form each vendor
/// has (Zendesk internal note + tag + group, HubSpot note + owner + stage, Freshdesk private note + group, GitHub
/// label, the journal otherwise). Then two people claim and close through the API.
/// </summary>
[TestFixture]
public class EscalationInboxTests : WriterFixture
{
    private const string BobToken = "bob-token-81e2";
    private readonly List<FakeVendorServer> _vendors = [];

    [TearDown]
    public async Task StopVendors()
    {
        foreach (var vendor in _vendors)
            await vendor.DisposeAsync();
        _vendors.Clear();
    }

    public static TicketEscalated Escalation(string source, string externalId, string priority = "medium", string kind = EscalationReasons.LowConfidence,
        DateTimeOffset? version = null) => new()
    {
        Source = source,
        ExternalId = externalId,
        Reason = kind == EscalationReasons.Urgent ? "priority is urgent" : "confidence 0.41 below 0.70 (rules)",
        ReasonKind = kind,
        Classification = new Classification
        {
            Category = "Technical Support", Priority = priority, Sentiment = "negative", Language = "en", Confidence = 0.41, ClassifiedBy = "rules",
        },
        TicketUpdatedAt = version ?? new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero),
        Subject = "VPN drops every hour",
        Excerpt = "Since Monday the VPN drops; my card [redacted:card] was charged",
        EscalatedAt = DateTimeOffset.UtcNow,
    };

    private T Track<T>(T vendor) where T : FakeVendorServer
    {
        _vendors.Add(vendor);
        return vendor;
    }

    [Test]
    public async Task Every_source_gets_one_inbox_row_and_one_escalate_write_in_its_own_crm_and_copies_are_counted()
    {
        var measured = new ConcurrentDictionary<string, double>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == WriterMetrics.MeterName && instrument.Name.StartsWith("agents.escalations.", StringComparison.Ordinal))
                l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => measured.AddOrUpdate(
            instrument.Name + string.Concat(tags.ToArray().Select(t => $",{t.Key}={t.Value}")), value,
            (_, sum) => instrument is ObservableGauge<long> ? value : sum + value));
        listener.SetMeasurementEventCallback<double>((instrument, value, _, _) => measured[instrument.Name] = value);
        listener.Start();

        var zendesk = Track(await FakeZendesk.StartAsync(VendorAccounts.ZendeskEmail, VendorAccounts.ZendeskToken, 42));
        var hubspot = Track(await FakeHubSpot.StartAsync(VendorAccounts.HubSpotToken, "512"));
        var freshdesk = Track(await FakeFreshdesk.StartAsync(VendorAccounts.FreshdeskKey, 7));
        var github = Track(await FakeGitHub.StartAsync(VendorAccounts.GitHubToken, "acme/app#9"));
        // The shipped policy: escalate is auto-approved, nobody has to approve handing a ticket to a person.
        _host = await WriterTestHost.StartAsync(Policies.Shipped, VendorAccounts.Settings([zendesk, hubspot, freshdesk, github], new Dictionary<string, string?>
        {
            ["Writer:Crm:Routes:zendesk"] = "zendesk",
            ["Writer:Crm:Routes:hubspot"] = "hubspot",
            ["Writer:Crm:Routes:freshdesk"] = "freshdesk",
            ["Writer:Crm:Routes:github"] = "github",
            ["Writer:Crm:Routes:jira"] = "journal",
            ["Crm:Zendesk:EscalationGroupId"] = "360001",
            ["Crm:HubSpot:EscalationOwnerId"] = FakeHubSpot.Owners[1],
            ["Crm:HubSpot:EscalationPipelineStage"] = "3",
            ["Crm:Freshdesk:EscalationGroupId"] = "2043",
            ["Writer:Escalations:TicketLinks:jira"] = "https://acme.atlassian.net/browse/{id}",
        }));

        var escalations = new[]
        {
            Escalation("zendesk", "42", "urgent", EscalationReasons.Urgent), Escalation("hubspot", "512"), Escalation("freshdesk", "7"),
            Escalation("github", "acme/app#9", kind: EscalationReasons.NoText), Escalation("jira", "OPS-3", kind: EscalationReasons.LlmDown),
        };
        var bus = _host.Writer.Services.GetRequiredService<IBus>();
        // Each escalation twice (a redelivery, a second classifier), the copies racing the originals.
        await Task.WhenAll(escalations.Concat(escalations).Select(e => bus.Publish(e)));

        foreach (var e in escalations)
            await _host.WaitForStateAsync(EscalateProposal.WriteIdFor(e.Source, e.ExternalId), WriteStates.Applied);
        await Eventually.Until(() => _host.CountAsync("FROM escalations WHERE \"DuplicateCount\" = 1"), n => n == escalations.Length,
            TimeSpan.FromSeconds(30), "every copy counted on its row");

        Assert.Multiple(async () =>
        {
            Assert.That(await _host.CountAsync("FROM escalations"), Is.EqualTo(escalations.Length), "one row per ticket, never a second");
            Assert.That(await _host.CountAsync("FROM write_audit WHERE \"Action\" = 'applied'"), Is.EqualTo(escalations.Length), "one escalate write each");

            var zendeskNotes = zendesk.Comments[42];
            Assert.That(zendeskNotes, Has.Count.EqualTo(1));
            Assert.That(zendeskNotes[0].Public, Is.False, "an internal note, not a reply to the customer");
            Assert.That(zendeskNotes[0].Body, Does.StartWith("Needs a person: priority is urgent."));
            Assert.That(zendesk.Tickets[42].Tags, Does.Contain("needs-human"));
            Assert.That(zendesk.Groups[42], Is.EqualTo(360001));

            var hubspotNotes = hubspot.Notes.Values.Where(n => n.Ticket == "512").ToList();
            Assert.That(hubspotNotes, Has.Count.EqualTo(1));
            Assert.That(hubspotNotes[0].Body, Does.Contain("confidence 0.41 below 0.70 (rules)"));
            Assert.That(hubspot.Tickets["512"]["hubspot_owner_id"], Is.EqualTo(FakeHubSpot.Owners[1]));
            Assert.That(hubspot.Tickets["512"]["hs_pipeline_stage"], Is.EqualTo("3"));

            Assert.That(freshdesk.Notes[7], Has.Count.EqualTo(1));
            Assert.That(freshdesk.Notes[7][0].Private, Is.True);
            Assert.That(freshdesk.Groups[7], Is.EqualTo(2043));

            Assert.That(github.Issues["acme/app#9"], Does.Contain("needs-human"));

            Assert.That(await _host.CountAsync("FROM crm_journal WHERE \"Kind\" = 'escalate'"), Is.EqualTo(1), "jira has no adapter: the journal");
        });

        // The counter as the consumers finish; the gauges when the monitor next reads the database (every 15 s).
        await Eventually.Until(() => Task.FromResult((measured.GetValueOrDefault("agents.escalations.received,outcome=new"),
            measured.GetValueOrDefault("agents.escalations.received,outcome=duplicate"))), n => n == (5.0, 5.0), TimeSpan.FromSeconds(10), "every message counted");
        await Eventually.Until(() =>
        {
            listener.RecordObservableInstruments();
            return Task.FromResult(measured.GetValueOrDefault("agents.escalations.open"));
        }, n => n == escalations.Length, TimeSpan.FromSeconds(30), "the open-escalations gauge");
        Assert.That(measured.GetValueOrDefault("agents.escalations.oldest_open_age"), Is.GreaterThan(0));

        // The list: most urgent first, the link to the ticket in its CRM, the state of its CRM write.
        var list = await _host.Api.GetFromJsonAsync<JsonElement>("/escalations");
        var first = list[0];
        Assert.That(first.GetProperty("externalId").GetString(), Is.EqualTo("42"));
        Assert.That(first.GetProperty("reason").GetString(), Is.EqualTo("urgent"));
        Assert.That(first.GetProperty("link").GetString(), Is.EqualTo("https://acme.zendesk.com/agent/tickets/42"));
        Assert.That(first.GetProperty("crmWrite").GetProperty("state").GetString(), Is.EqualTo(WriteStates.Applied));
        Assert.That(first.GetProperty("duplicateCount").GetInt32(), Is.EqualTo(1));
        var jira = list.EnumerateArray().Single(e => e.GetProperty("source").GetString() == "jira");
        Assert.That(jira.GetProperty("link").GetString(), Is.EqualTo("https://acme.atlassian.net/browse/OPS-3"));
        var filtered = await _host.Api.GetFromJsonAsync<JsonElement>("/escalations?reason=no_text&source=github");
        Assert.That(filtered.EnumerateArray().Select(e => e.GetProperty("externalId").GetString()), Is.EqualTo(new[] { "acme/app#9" }));
    }

    [Test]
    public async Task A_newer_version_is_a_new_generation_and_two_approvers_claim_and_close_through_the_api()
    {
        _host = await WriterTestHost.StartAsync(Policies.Shipped, new Dictionary<string, string?>
        {
            ["Approvers:1:Name"] = "bob",
            ["Approvers:1:Token"] = BobToken,
        });
        var bus = _host.Writer.Services.GetRequiredService<IBus>();
        var v1 = Escalation("generic", "T-1");
        await bus.Publish(v1);
        await bus.Publish(v1);
        await Eventually.Until(() => _host.CountAsync("FROM escalations WHERE \"DuplicateCount\" = 1"), n => n == 1, TimeSpan.FromSeconds(30), "the copy counted");
        var writeId = EscalateProposal.WriteIdFor("generic", "T-1");
        await _host.WaitForStateAsync(writeId, WriteStates.Applied);

        using var bob = new HttpClient { BaseAddress = _host.Api.BaseAddress };
        bob.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", BobToken);
        using var stranger = new HttpClient { BaseAddress = _host.Api.BaseAddress };
        var id = (await _host.Api.GetFromJsonAsync<JsonElement>("/escalations"))[0].GetProperty("id").GetInt64();

        Assert.That((await stranger.GetAsync("/escalations")).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That((await stranger.PostAsync($"/escalations/{id}/claim", null)).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));

        // Both click at once: exactly one wins, the other is told who has it.
        var answers = await Task.WhenAll(_host.Api.PostAsync($"/escalations/{id}/claim", null), bob.PostAsync($"/escalations/{id}/claim", null));
        Assert.That(answers.Select(a => a.StatusCode), Is.EquivalentTo(new[] { HttpStatusCode.OK, HttpStatusCode.Conflict }));
        var (winner, loser) = answers[0].StatusCode == HttpStatusCode.OK ? (_host.Api, bob) : (bob, _host.Api);
        var winnerName = winner == bob ? "bob" : "alice";
        var conflict = await answers.Single(a => a.StatusCode == HttpStatusCode.Conflict).Content.ReadFromJsonAsync<JsonElement>();
        Assert.That(conflict.GetProperty("title").GetString(), Is.EqualTo($"Claimed by {winnerName}."));

        var loserClose = await loser.PostAsJsonAsync($"/escalations/{id}/close", new { note = "done" });
        Assert.That(loserClose.StatusCode, Is.EqualTo(HttpStatusCode.Conflict), "only the holder closes it");
        var noNote = await winner.PostAsJsonAsync($"/escalations/{id}/close", new { note = " " });
        Assert.That(noNote.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That((await winner.PostAsync("/escalations/999999/claim", null)).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));

        // A newer version of the ticket escalated again: the next generation; the holder keeps it.
        await bus.Publish(Escalation("generic", "T-1", version: v1.TicketUpdatedAt!.Value.AddMinutes(5)));
        await Eventually.Until(() => _host.CountAsync("FROM escalations"), n => n == 2, TimeSpan.FromSeconds(30), "generation 2");
        var active = await _host.Api.GetFromJsonAsync<JsonElement>("/escalations");
        Assert.That(active.GetArrayLength(), Is.EqualTo(1), "generation 1 is closed as superseded");
        var second = active[0];
        Assert.That((second.GetProperty("generation").GetInt32(), second.GetProperty("claimedBy").GetString(), second.GetProperty("state").GetString()),
            Is.EqualTo((2, winnerName, "claimed")));
        await Eventually.Until(() => _host.CountAsync($"FROM write_audit WHERE \"Action\" = 'applied' AND \"CorrelationId\" = '{writeId}'"),
            n => n == 2, TimeSpan.FromSeconds(30), "the escalate write's second generation applied");

        var close = await winner.PostAsJsonAsync($"/escalations/{second.GetProperty("id").GetInt64()}/close", new { note = "called the customer back" });
        Assert.That(close.StatusCode, Is.EqualTo(HttpStatusCode.OK), await close.Content.ReadAsStringAsync());
        var closed = await _host.Api.GetFromJsonAsync<JsonElement>("/escalations?state=closed");
        Assert.That(closed[0].GetProperty("closedBy").GetString(), Is.EqualTo(winnerName));
        Assert.That(closed[0].GetProperty("closeNote").GetString(), Is.EqualTo("called the customer back"));
        Assert.That((await _host.Api.GetFromJsonAsync<JsonElement>("/escalations")).GetArrayLength(), Is.Zero);
        Assert.That((await _host.Api.GetAsync("/escalations?state=bogus")).StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
    }
}
