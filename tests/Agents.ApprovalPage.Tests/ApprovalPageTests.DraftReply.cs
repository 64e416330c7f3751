using Agents.Contracts;
using Agents.EndToEnd.Tests;
using Agents.Testing;
using NUnit.Framework;
using static Microsoft.Playwright.Assertions;

namespace Agents.ApprovalPage.Tests;

// A drafted reply on the approval page (see the README's "Drafted replies"); the fixture is ApprovalPageTests'.
public partial class ApprovalPageTests
{
    /// <summary>
    /// A drafted reply on the approval page, as shipped (no LLM: the reviewed template; the draft an internal note held for
    /// approval): the approver sees it beside the ticket with the drafting step's findings, edits it, approves with the
    /// keyboard, and the journal gets the edited text while the audit keeps both texts and who edited.
    /// </summary>
    [Test]
    public async Task Approver_edits_a_drafted_note_beside_the_ticket_and_approves_the_edited_text()
    {
        var delivered = await _system.DeliverAsync(Tickets.Billing("DRAFT-1"), "msg_draft_1");
        Assert.That(delivered.Accepted, Is.True, delivered.Answer);
        var id = WriteKey.CorrelationIdFor(WriteKey.For("generic", "DRAFT-1", WriteKinds.AddNote));

        await _tab.SignInAsync(AgentsSystem.ApproverToken);
        var card = _tab.Card(id);
        await Expect(card).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await Expect(card.Locator(".badge.kind")).ToHaveTextAsync("add-note");
        await Expect(card.Locator(".draft-ticket")).ToContainTextAsync("double charge on my card");
        var draft = card.GetByLabel("Internal note (edit before approving)");
        await Expect(draft).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("^Hello,\\n\\n.*billing team", System.Text.RegularExpressions.RegexOptions.Singleline));
        await Expect(card.Locator(".findings")).ToContainTextAsync("drafted by template");
        await Expect(card.Locator(".findings")).ToContainTextAsync("no LLM configured");
        var proposed = await draft.InputValueAsync();

        const string edited = "Hello,\n\nthank you for writing. I can see the second charge of 2 December and have asked our billing team to look at it today.\n\nKind regards,\nAlice";
        await draft.FillAsync(edited);
        var screenshot = await _tab.ScreenshotAsync("draft-reply");
        Assert.That(new FileInfo(screenshot).Length, Is.GreaterThan(10_000), "a real screenshot, not an empty image");

        // Keys typed in the text box stay text; from the card itself, a approves.
        await draft.PressAsync("a");
        await Expect(draft).ToHaveValueAsync(edited + "a");
        await draft.PressAsync("Backspace");
        await card.Locator("article").FocusAsync();
        await _tab.Page.Keyboard.PressAsync("a");

        await Expect(card).ToHaveCountAsync(0, new() { Timeout = 30_000 });
        await Eventually.Until(() => _system.Database.ScalarAsync<long>($"SELECT count(*) FROM crm_journal WHERE \"CorrelationId\" = '{id}'"),
            n => n == 1, Flow, "the journal to apply the note");
        var applied = await _system.Database.ScalarAsync<string>($"SELECT \"Changes\"->>'body' FROM crm_journal WHERE \"CorrelationId\" = '{id}'");
        Assert.That(applied, Is.EqualTo(edited), "the edited text is what was applied");
        var audit = await _system.Database.ScalarAsync<string>(
            $"SELECT \"Actor\" || '|' || \"Detail\" FROM write_audit WHERE \"Action\" = 'edited' AND \"CorrelationId\" = '{id}'");
        Assert.That(audit, Does.StartWith("alice|"));
        var texts = System.Text.Json.JsonDocument.Parse(audit["alice|".Length..]).RootElement;
        Assert.That(texts.GetProperty("proposed").GetProperty("body").GetString(), Is.EqualTo(proposed));
        Assert.That(texts.GetProperty("applied").GetProperty("body").GetString(), Is.EqualTo(edited));
        var approvedHash = await _system.Database.ScalarAsync<string>(
            $"SELECT \"ContentHash\" FROM write_audit WHERE \"Action\" = 'approved' AND \"CorrelationId\" = '{id}'");
        var seen = await _system.Database.ScalarAsync<string>($"SELECT \"ContentHash\" FROM write_approvals WHERE \"CorrelationId\" = '{id}'");
        Assert.That(approvedHash, Is.EqualTo(WriteContent.Edited(seen, new Dictionary<string, string> { ["body"] = edited })),
            "the approval names the edited version: its hash covers the edited text");
        _tab.AssertClean();
    }
}
