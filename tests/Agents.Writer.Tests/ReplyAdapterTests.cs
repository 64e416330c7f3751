using System.Text.Json;
using Agents.Contracts;
using Agents.Writer.Crm;
using Agents.Writer.Sagas;
using Agents.Writer.Tests.FakeVendors;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;

namespace Agents.Writer.Tests;

/// <summary>
/// Drafted replies and notes (post-reply, add-note) through the whole writer to each vendor's fake, in the vendor's wire
/// format; applied again (a crash between the vendor's answer and our record of it), each posts nothing more; a kind a
/// vendor cannot take (a public GitHub comment as an internal note, a HubSpot "reply" that would only be logged) is
/// refused when proposed.
/// </summary>
[TestFixture]
public class ReplyAdapterTests : VendorFixture
{
    private const string Reply = "Hello Ana,\n\nthanks for writing. We are looking at the double charge & will answer today.";

    private static ProposeWrite Text(string source, string externalId, string kind, string body = Reply) =>
        Proposals.For(source, externalId, kind, new Dictionary<string, string> { ["body"] = body }, 1, 0.9);

    [Test]
    public async Task Zendesk_gets_a_public_reply_and_a_private_note_once_each()
    {
        var zendesk = await StartAsync(await FakeZendesk.StartAsync(VendorAccounts.ZendeskEmail, VendorAccounts.ZendeskToken, 101), "zendesk");
        var reply = Text("zendesk", "101", WriteKinds.PostReply);
        var note = Text("zendesk", "101", WriteKinds.AddNote, "Internal: customer was charged twice on 2 Dec.");
        await ApplyTwiceAsync(reply, note);

        var comments = zendesk.Comments[101];
        Assert.That(comments.Select(c => (c.Body, c.Public)), Is.EquivalentTo(new[]
        {
            (Reply, true), ("Internal: customer was charged twice on 2 Dec.", false),
        }), "one comment per write, public only for the reply, even applied twice");
        // The two writes are applied in whichever order their messages arrive: find the reply's update by its flag.
        var published = zendesk.Requests.Where(r => r.Method == "PUT")
            .Select(r => JsonDocument.Parse(r.Body).RootElement.GetProperty("ticket").GetProperty("comment"))
            .Single(c => c.GetProperty("public").GetBoolean());
        Assert.That(published.GetProperty("body").GetString(), Is.EqualTo(Reply), "the text as approved, line breaks kept");
    }

    [Test]
    public async Task Freshdesk_gets_a_reply_and_a_private_note_as_html_once_each()
    {
        var freshdesk = await StartAsync(await FakeFreshdesk.StartAsync(VendorAccounts.FreshdeskKey, 5001), "freshdesk");
        var reply = Text("freshdesk", "5001", WriteKinds.PostReply);
        var note = Text("freshdesk", "5001", WriteKinds.AddNote, "Internal <b>only</b>.");
        await ApplyTwiceAsync(reply, note);

        Assert.That(freshdesk.Notes[5001].Select(n => (n.Body, n.Private)), Is.EquivalentTo(new[]
        {
            ("<p>Hello Ana,</p><p>thanks for writing. We are looking at the double charge &amp; will answer today.</p>", false),
            ("<p>Internal &lt;b&gt;only&lt;/b&gt;.</p>", true),
        }), "the text escaped into HTML (no markup from a draft reaches the page), a reply through /reply, a note private");
        Assert.That(freshdesk.Requests.Where(r => r.Method == "POST").Select(r => r.PathAndQuery),
            Is.EquivalentTo(new[] { "/api/v2/tickets/5001/reply", "/api/v2/tickets/5001/notes" }));
    }

    [Test]
    public async Task HubSpot_gets_a_note_engagement_on_the_ticket_once_and_refuses_a_public_reply()
    {
        var hubspot = await StartAsync(await FakeHubSpot.StartAsync(VendorAccounts.HubSpotToken, "2001"), "hubspot");
        var note = Text("hubspot", "2001", WriteKinds.AddNote);
        await ApplyTwiceAsync(note);
        Assert.That(hubspot.Notes.Values.Select(n => (n.Ticket, n.Body)), Is.EqualTo(new[]
        {
            ("2001", "<p>Hello Ana,</p><p>thanks for writing. We are looking at the double charge &amp; will answer today.</p>"),
        }));

        var reply = Text("hubspot", "2001", WriteKinds.PostReply);
        await _host!.ProposeAsync(reply);
        await _host.WaitForStateAsync(reply.CorrelationId, WriteStates.Refused);
    }

    [Test]
    public async Task GitHub_gets_an_issue_comment_once_and_refuses_an_internal_note()
    {
        var github = await StartAsync(await FakeGitHub.StartAsync(VendorAccounts.GitHubToken, "acme/shop#7"), "github");
        var reply = Text("github", "acme/shop#7", WriteKinds.PostReply);
        await ApplyTwiceAsync(reply);
        Assert.That(github.Comments["acme/shop#7"].Select(c => c.Body), Is.EqualTo(new[] { Reply }));

        var note = Text("github", "acme/shop#7", WriteKinds.AddNote);
        await _host!.ProposeAsync(note);
        await _host.WaitForStateAsync(note.CorrelationId, WriteStates.Refused);
        Assert.That(github.Comments["acme/shop#7"], Has.Count.EqualTo(1), "an internal note is never posted where everyone reads it");
    }

    [Test]
    public async Task Journal_keeps_the_text_of_a_reply()
    {
        _host = await WriterTestHost.StartAsync(Policies.AutoApproveAll);
        var reply = Text("generic", "T-1", WriteKinds.PostReply);
        await _host.ProposeAsync(reply);
        await _host.WaitForStateAsync(reply.CorrelationId, WriteStates.Applied);
        Assert.That(await _host.Database.ScalarOrNullAsync<string>("SELECT \"Changes\"->>'body' FROM crm_journal"), Is.EqualTo(Reply));
    }

    /// <summary>Through the writer to Applied, then once more straight through the routed adapter, as a re-drive after a crash would.</summary>
    private async Task ApplyTwiceAsync(params ProposeWrite[] writes)
    {
        foreach (var write in writes)
            await _host!.ProposeAsync(write);
        foreach (var write in writes)
            await _host!.WaitForStateAsync(write.CorrelationId, WriteStates.Applied);
        var routes = _host!.Writer.Services.GetRequiredService<CrmRoutes>();
        foreach (var write in writes)
        {
            var apply = new ApplyWrite
            {
                CorrelationId = write.CorrelationId, IdempotencyKey = write.IdempotencyKey, Source = write.Source,
                ExternalId = write.ExternalId, Kind = write.Kind, Changes = write.Changes,
            };
            await routes.For(write.Source, write.Kind, write.ExternalId).Adapter!.ApplyAsync(apply, CancellationToken.None);
        }
    }
}
