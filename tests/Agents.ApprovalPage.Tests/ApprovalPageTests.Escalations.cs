using Agents.EndToEnd.Tests;
using Agents.Harness;
using Microsoft.Playwright;
using NUnit.Framework;
using static Microsoft.Playwright.Assertions;

namespace Agents.ApprovalPage.Tests;

/// <summary>"Needs a person": two approvers on the page while an escalation arrives, is claimed and is closed.</summary>
public partial class ApprovalPageTests
{
    [Test]
    public async Task Two_approvers_see_an_escalation_arrive_one_claims_it_the_other_sees_who_live_and_it_is_closed_with_a_note()
    {
        await _tab.SignInAsync(AgentsSystem.ApproverToken);
        await using var bob = await _chromium.OpenAsync(_system.Writer.Address);
        await bob.SignInAsync(AgentsSystem.SecondApproverToken, "bob");

        // Both pages are open before the ticket exists: the escalation must arrive by itself.
        const string subject = "Production down for the whole team";
        var delivered = await _system.DeliverAsync(
            Tickets.Generic("PAGE-ESC-1", subject, "URGENT: production is down since this morning, nobody can work. Card 4111 1111 1111 1111."), "msg_page_esc_1");
        Assert.That(delivered.Accepted, Is.True, delivered.Answer);
        ILocator Card(BrowserTab tab) => tab.Page.Locator("#escalations .escalation", new() { HasText = "PAGE-ESC-1" });
        await Expect(Card(_tab)).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await Expect(Card(bob)).ToBeVisibleAsync(new() { Timeout = 30_000 });

        var alices = Card(_tab);
        await Expect(alices.Locator(".subject")).ToHaveTextAsync(subject);
        await Expect(alices.Locator(".badge.reason")).ToHaveTextAsync("Urgent");
        await Expect(alices.Locator(".why")).ToHaveTextAsync("Why: priority is urgent");
        await Expect(alices.Locator(".excerpt")).Not.ToContainTextAsync("4111 1111", new() { Timeout = 1_000 });
        await Expect(alices.Locator(".meta").First).ToContainTextAsync("generic · ticket PAGE-ESC-1");
        // The shipped policy auto-approves escalate: the journal took it without anyone deciding.
        await Expect(alices.Locator(".crm")).ToContainTextAsync("Applied (journal)", new() { Timeout = 30_000 });

        // The filters: another reason hides it, its own shows it.
        await _tab.Page.Locator("#escalation-reason").SelectOptionAsync("low_confidence");
        await Expect(alices).ToHaveCountAsync(0);
        await _tab.Page.Locator("#escalation-reason").SelectOptionAsync("urgent");
        await Expect(alices).ToBeVisibleAsync();

        // Bob claims; Alice's open page shows who has it, live, and offers her no claim or close.
        await Card(bob).GetByRole(AriaRole.Button, new() { Name = "Claim" }).ClickAsync();
        await Expect(Card(bob).Locator(".claim")).ToContainTextAsync("Claimed by you");
        await Expect(alices.Locator(".claimed-by")).ToHaveTextAsync("bob", new() { Timeout = 30_000 });
        await Expect(alices.GetByRole(AriaRole.Button, new() { Name = "Claim" })).ToHaveCountAsync(0);
        await Expect(alices.GetByRole(AriaRole.Button, new() { Name = "Close" })).ToHaveCountAsync(0);

        var screenshot = await _tab.ScreenshotAsync("needs-a-person");
        Assert.That(new FileInfo(screenshot).Length, Is.GreaterThan(10_000), "a real screenshot, not an empty image");
        // The README shows it: the page as it looks today.
        File.Copy(screenshot, Path.Combine(RepositoryPaths.Root, "docs", "needs-a-person.png"), overwrite: true);

        // Closing needs a note; with it, the escalation leaves both pages.
        await Card(bob).GetByRole(AriaRole.Button, new() { Name = "Close" }).ClickAsync();
        await Expect(Card(bob).Locator(".card-status")).ToContainTextAsync("Say what was done");
        await Card(bob).GetByLabel("What was done").FillAsync("restarted the database, customer told");
        await Card(bob).GetByRole(AriaRole.Button, new() { Name = "Close" }).ClickAsync();
        await Expect(Card(bob)).ToHaveCountAsync(0, new() { Timeout = 30_000 });
        await Expect(alices).ToHaveCountAsync(0, new() { Timeout = 30_000 });
        Assert.That(await _system.Database.ScalarAsync<string>(
                "SELECT \"ClaimedBy\" || '|' || \"ClosedBy\" || '|' || \"CloseNote\" FROM escalations WHERE \"ExternalId\" = 'PAGE-ESC-1'"),
            Is.EqualTo("bob|bob|restarted the database, customer told"));

        _tab.AssertClean();
        bob.AssertClean();
    }
}
