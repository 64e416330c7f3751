using Agents.Contracts;
using Agents.EndToEnd.Tests;
using Agents.Testing;
using Microsoft.Playwright;
using NUnit.Framework;
using static Microsoft.Playwright.Assertions;

namespace Agents.ApprovalPage.Tests;

/// <summary>
/// The approval page in headless Chromium against the three services on a real broker and database: what an
/// approver sees and does, checked in the browser and in PostgreSQL.
/// </summary>
[TestFixture]
[NonParallelizable]
public class ApprovalPageTests
{
    private static readonly TimeSpan Flow = TimeSpan.FromSeconds(30);

    private AgentsSystem _system = null!;
    private HeadlessChromium _chromium = null!;
    private BrowserTab _tab = null!;

    // One system and one browser for the fixture (starting them is most of the cost); a fresh tab per test, and
    // every test uses tickets of its own.
    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _chromium = await HeadlessChromium.LaunchAsync();
        _system = await AgentsSystem.StartAsync();
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        if (_system is not null)
            await _system.DisposeAsync();
        if (_chromium is not null)
            await _chromium.DisposeAsync();
    }

    [SetUp]
    public async Task OpenAsync() => _tab = await _chromium.OpenAsync(_system.Writer.Address);

    [TearDown]
    public async Task CloseAsync()
    {
        if (_tab is null)
            return;
        if (TestContext.CurrentContext.Result.Outcome.Status == NUnit.Framework.Interfaces.TestStatus.Failed)
            await _tab.ScreenshotAsync($"failed-{TestContext.CurrentContext.Test.MethodName}");
        await _tab.DisposeAsync();
    }

    private static Guid WriteId(string ticket, string kind) => WriteKey.CorrelationIdFor(WriteKey.For("generic", ticket, kind));

    [Test]
    public async Task Approver_sees_a_webhook_proposal_arrive_approves_it_and_the_journal_gets_its_row()
    {
        var page = _tab.Page;
        await _tab.SignInAsync(AgentsSystem.ApproverToken);

        // The page is open before the ticket exists: the card must arrive by itself (server-sent events).
        var response = await _system.SendGenericAsync(Tickets.Billing("PAGE-100"), "msg_page_100");
        Assert.That((int)response.StatusCode, Is.EqualTo(202), await response.Content.ReadAsStringAsync());
        var card = _tab.Card(WriteId("PAGE-100", WriteKinds.SetPriority));
        await Expect(card).ToBeVisibleAsync(new() { Timeout = 30_000 });

        // What the approver decides on: the ticket, its source, the classification and why, the change as a diff.
        await Expect(card.Locator(".subject")).ToHaveTextAsync("Invoice charged twice");
        await Expect(card.Locator(".excerpt")).ToContainTextAsync("double charge on my card");
        await Expect(card.Locator(".meta")).ToContainTextAsync("generic · ticket PAGE-100");
        // invoice, charge, refund, payment: four billing keywords, the rules' highest confidence.
        await Expect(card.Locator(".classification p").First).ToHaveTextAsync("Classified billing, priority medium, confidence 95% by rules");
        await Expect(card.Locator(".classification .reason")).ToHaveTextAsync("Why: 4 keyword(s) of 'billing'");
        var diffRow = card.Locator(".diff tbody tr", new() { HasText = "priority" });
        await Expect(diffRow.Locator(".before")).ToHaveTextAsync("before: low");
        await Expect(diffRow.Locator(".after")).ToHaveTextAsync("after: medium");
        await Expect(_tab.Card(WriteId("PAGE-100", WriteKinds.AddTags))).ToBeVisibleAsync();

        var screenshot = await _tab.ScreenshotAsync("approval-page");
        Assert.That(new FileInfo(screenshot).Length, Is.GreaterThan(10_000), "a real screenshot, not an empty image");

        await card.GetByLabel("Reason (optional)").FillAsync("customer was charged twice");
        await card.GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();

        await Expect(card).ToHaveCountAsync(0, new() { Timeout = 30_000 });
        var key = WriteKey.For("generic", "PAGE-100", WriteKinds.SetPriority);
        await Eventually.Until(() => _system.Database.ScalarAsync<long>($"SELECT count(*) FROM crm_journal WHERE \"IdempotencyKey\" = '{key}'"),
            n => n == 1, Flow, "the journal row of the approved write");
        Assert.That(await _system.Database.ScalarAsync<string>(
                $"SELECT \"Actor\" || '|' || \"Detail\" FROM write_audit WHERE \"Action\" = 'approved' AND \"CorrelationId\" = '{WriteId("PAGE-100", WriteKinds.SetPriority)}'"),
            Is.EqualTo("alice|customer was charged twice"));

        // The decision shows among the recent ones, and in the ticket's history (who, when, what).
        await Expect(page.Locator("#recent tr", new() { HasText = "PAGE-100" })).ToContainTextAsync("alice", new() { Timeout = 30_000 });
        await _tab.Card(WriteId("PAGE-100", WriteKinds.AddTags)).GetByRole(AriaRole.Button, new() { Name = "History" }).ClickAsync();
        var history = page.GetByRole(AriaRole.Dialog);
        await Expect(history).ToContainTextAsync("History of ticket generic PAGE-100");
        var approved = history.Locator("tr", new() { HasText = "approved" });
        await Expect(approved).ToContainTextAsync("alice");
        await Expect(approved).ToContainTextAsync("customer was charged twice");
        await page.Keyboard.PressAsync("Escape");
        await Expect(history).ToBeHiddenAsync();

        _tab.AssertClean();
    }

    [Test]
    public async Task Rejecting_with_a_reason_records_the_approver_and_the_reason_and_applies_nothing()
    {
        var response = await _system.SendGenericAsync(Tickets.Billing("PAGE-200"), "msg_page_200");
        Assert.That((int)response.StatusCode, Is.EqualTo(202));
        var id = WriteId("PAGE-200", WriteKinds.AddTags);
        await Eventually.Until(() => _system.WritesAsync(), w => w.Any(x => x.GetProperty("id").GetGuid() == id), Flow, "the proposal to be held");

        await _tab.SignInAsync(AgentsSystem.ApproverToken);
        var card = _tab.Card(id);
        await Expect(card).ToBeVisibleAsync();
        await Expect(card.Locator(".diff tbody tr", new() { HasText = "tags" }).Locator(".after")).ToHaveTextAsync("after: billing");

        // Keyboard only: focus the card, type the reason, reject with the r key.
        await card.GetByLabel("Reason (optional)").FillAsync("the customer is not on a paid plan");
        await card.Locator("article").FocusAsync();
        await _tab.Page.Keyboard.PressAsync("r");

        await Expect(card).ToHaveCountAsync(0, new() { Timeout = 30_000 });
        await Eventually.Until(() => _system.Database.ScalarAsync<string>($"SELECT \"CurrentState\" FROM write_approvals WHERE \"CorrelationId\" = '{id}'"),
            s => s == "Rejected", Flow, "the write to be rejected");
        Assert.That(await _system.Database.ScalarAsync<string>(
                $"SELECT \"Actor\" || '|' || \"Detail\" FROM write_audit WHERE \"Action\" = 'rejected' AND \"CorrelationId\" = '{id}'"),
            Is.EqualTo("alice|the customer is not on a paid plan"));
        Assert.That(await _system.Database.ScalarAsync<long>($"SELECT count(*) FROM crm_journal WHERE \"CorrelationId\" = '{id}'"), Is.Zero);
        _tab.AssertClean();
    }

    [Test]
    public async Task Ticket_text_full_of_html_and_script_is_shown_as_text()
    {
        const string subject = "<script>alert(1)</script>";
        const string body = "Invoice refund for a double charge. <img src=x onerror=\"window.__pwned=1;alert(2)\"> " +
            "<b>bold</b> <svg onload=alert(3)></svg> \"><iframe src=\"javascript:alert(4)\"></iframe> " +
            "'; alert(5); // {{7*7}} ${7*7} <a href=\"javascript:alert(6)\">click</a> &lt;escaped&gt; &amp; \u202Eevil";
        await _tab.SignInAsync(AgentsSystem.ApproverToken);
        var response = await _system.SendGenericAsync(Tickets.Generic("PAGE-300", subject, body, "low"), "msg_page_300");
        Assert.That((int)response.StatusCode, Is.EqualTo(202));

        var card = _tab.Card(WriteId("PAGE-300", WriteKinds.SetPriority));
        await Expect(card).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await Expect(card.Locator(".subject")).ToHaveTextAsync(subject);
        await Expect(card.Locator(".excerpt")).ToHaveTextAsync(body);
        await _tab.ScreenshotAsync("html-in-ticket-text");

        // Open the history too: the subject is shown there as well.
        await card.GetByRole(AriaRole.Button, new() { Name = "History" }).ClickAsync();
        await Expect(_tab.Page.GetByRole(AriaRole.Dialog).Locator(".subject-small")).ToHaveTextAsync(subject);

        var injected = await _tab.Page.Locator("#main script, #main img, #main svg, #main iframe, #main b, #main a, dialog script, dialog img").CountAsync();
        Assert.That(injected, Is.Zero, "no element from the ticket text exists in the page");
        Assert.That(await _tab.Page.EvaluateAsync<bool>("() => window.__pwned === 1"), Is.False);
        _tab.AssertClean();
    }

    [Test]
    public async Task A_token_the_writer_does_not_know_is_refused_and_nothing_is_shown()
    {
        await _tab.Page.GetByLabel("Approver token").FillAsync("not-a-token");
        await _tab.Page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(_tab.Page.Locator("#sign-in-error")).ToHaveTextAsync("That token was not accepted.");
        await Expect(_tab.Page.Locator("#workspace")).ToBeHiddenAsync();
        Assert.That(await _tab.Page.EvaluateAsync<string?>("() => sessionStorage.getItem('agents.approverToken')"), Is.Null);
        Assert.That(_tab.FailedRequests, Is.EqualTo(new[] { "401 /approvals/me" }));
    }
}
