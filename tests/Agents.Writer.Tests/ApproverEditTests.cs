using System.Net;
using System.Net.Http.Json;
using Agents.Contracts;
using Agents.Writer.Sagas;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;

namespace Agents.Writer.Tests;

/// <summary>
/// An approver edits a drafted note before approving it, through the API and on the bus, with the shipped policy: the
/// edited text is applied, the audit keeps both texts and who edited, and the approval names a hash that covers the
/// edited text; an edit of anything else, or one whose hash does not match its text, applies nothing.
/// </summary>
[TestFixture]
public class ApproverEditTests : WriterFixture
{
    private const string Proposed = "Hello,\n\nthank you for your message about billing. Our billing team will review your account.\n\nThe support team";
    private const string Edited = "Hello Ana,\n\nwe found the second charge and our billing team is on it.\n\nAlice";

    private static ProposeWrite Note(string ticket) =>
        Proposals.For("generic", ticket, WriteKinds.AddNote, new Dictionary<string, string> { ["body"] = Proposed }, 1, 0.9)
            with { Notes = ["drafted by template", "no LLM configured"] };

    private async Task<(ProposeWrite Write, string Hash)> HeldAsync(ProposeWrite write)
    {
        _host = await WriterTestHost.StartAsync();
        await _host.ProposeAsync(write);
        await _host.WaitForStateAsync(write.CorrelationId, WriteStates.AwaitingApproval);
        var detail = (await _host.DetailAsync(write.CorrelationId)).GetProperty("write");
        Assert.That(detail.GetProperty("notes").EnumerateArray().Select(n => n.GetString()), Is.EqualTo(new[] { "drafted by template", "no LLM configured" }),
            "the drafting step's findings are shown with the write");
        return (write, detail.GetProperty("contentHash").GetString()!);
    }

    [Test]
    public async Task The_edited_text_is_applied_and_the_audit_keeps_both_texts_and_who_edited()
    {
        var (note, hash) = await HeldAsync(Note("E-1"));
        var answer = await _host!.Api.PostAsJsonAsync($"/approvals/{note.CorrelationId}/approve", new { contentHash = hash, reason = "tone", body = Edited });
        Assert.That(answer.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), await answer.Content.ReadAsStringAsync());
        await _host.WaitForStateAsync(note.CorrelationId, WriteStates.Applied);

        Assert.That(await _host.Database.ScalarAsync<string>("SELECT \"Changes\"->>'body' FROM crm_journal"), Is.EqualTo(Edited));
        Assert.That(await _host.HistoryAsync(note.CorrelationId), Is.EqualTo(new[] { "proposed", "edited", "approved", "applied" }));
        var edited = await _host.Database.ScalarAsync<string>($"SELECT \"Actor\" || '|' || \"Detail\" FROM write_audit WHERE \"Action\" = 'edited'");
        Assert.That(edited, Is.EqualTo("alice|" + ProposalContent.ToJson(new
        {
            proposed = new Dictionary<string, string> { ["body"] = Proposed },
            applied = new Dictionary<string, string> { ["body"] = Edited },
        })));
        Assert.That(await _host.Database.ScalarAsync<string>("SELECT \"ContentHash\" FROM write_audit WHERE \"Action\" = 'approved'"),
            Is.EqualTo(WriteContent.Edited(hash, new Dictionary<string, string> { ["body"] = Edited })));
    }

    [Test]
    public async Task An_unchanged_text_is_approved_as_proposed()
    {
        var (note, hash) = await HeldAsync(Note("E-2"));
        var answer = await _host!.Api.PostAsJsonAsync($"/approvals/{note.CorrelationId}/approve", new { contentHash = hash, body = Proposed });
        Assert.That(answer.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        await _host.WaitForStateAsync(note.CorrelationId, WriteStates.Applied);
        Assert.That(await _host.HistoryAsync(note.CorrelationId), Is.EqualTo(new[] { "proposed", "approved", "applied" }));
        Assert.That(await _host.Database.ScalarAsync<string>("SELECT \"ContentHash\" FROM write_audit WHERE \"Action\" = 'approved'"), Is.EqualTo(hash));
    }

    [Test]
    public async Task Editing_another_kind_or_sending_an_empty_text_is_a_400_and_decides_nothing()
    {
        var priority = Proposals.SetPriority("E-3");
        var (_, hash) = await HeldAsync(priority with { Notes = ["drafted by template", "no LLM configured"] });
        var answer = await _host!.Api.PostAsJsonAsync($"/approvals/{priority.CorrelationId}/approve", new { contentHash = hash, body = "urgent" });
        Assert.That(answer.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        var note = Note("E-4");
        await _host.ProposeAsync(note);
        await _host.WaitForStateAsync(note.CorrelationId, WriteStates.AwaitingApproval);
        var noteHash = (await _host.DetailAsync(note.CorrelationId)).GetProperty("write").GetProperty("contentHash").GetString();
        answer = await _host.Api.PostAsJsonAsync($"/approvals/{note.CorrelationId}/approve", new { contentHash = noteHash, body = "  " });
        Assert.That(answer.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await _host.StateAsync(priority.CorrelationId), Is.EqualTo(WriteStates.AwaitingApproval));
        Assert.That(await _host.StateAsync(note.CorrelationId), Is.EqualTo(WriteStates.AwaitingApproval));
    }

    [Test]
    public async Task An_approval_on_the_bus_whose_hash_does_not_cover_its_edited_text_applies_nothing()
    {
        var (note, hash) = await HeldAsync(Note("E-5"));
        var bus = _host!.Writer.Services.GetRequiredService<IBus>();
        // The hash of another text: an edit changed after it was hashed (or a forged one) must not slip through.
        await bus.Publish(new ApproveWrite
        {
            CorrelationId = note.CorrelationId, Approver = "mallory", ContentHash = hash, DecidedAt = DateTimeOffset.UtcNow,
            EditedChanges = new Dictionary<string, string> { ["body"] = "Hello, we will refund you twice over." },
            EditedContentHash = WriteContent.Edited(hash, new Dictionary<string, string> { ["body"] = Edited }),
        });
        await Agents.Testing.Eventually.Until(() => _host.HistoryAsync(note.CorrelationId), h => h.Contains("refused"), TimeSpan.FromSeconds(20), "the refusal");
        Assert.That(await _host.StateAsync(note.CorrelationId), Is.EqualTo(WriteStates.AwaitingApproval));
        Assert.That(await _host.Database.ScalarAsync<string>("SELECT \"Detail\" FROM write_audit WHERE \"Action\" = 'refused'"),
            Does.Contain("hash does not match its text"));
        Assert.That(await _host.CountAsync("FROM crm_journal"), Is.Zero);
    }
}
