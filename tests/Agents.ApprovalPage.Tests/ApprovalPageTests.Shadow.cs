using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Agents.EndToEnd.Tests;
using Agents.Harness;
using NUnit.Framework;
using static Microsoft.Playwright.Assertions;

namespace Agents.ApprovalPage.Tests;

/// <summary>The shadow report page: what a team looks at before it graduates a write kind.</summary>
public partial class ApprovalPageTests
{
    [Test]
    public async Task Shadow_report_page_shows_agreement_per_kind_the_confusion_table_and_the_lines_to_paste()
    {
        // Settled shadowed proposals as the writer's settlement sweep leaves them (the data path is proven in
        // Agents.Writer.Tests.ShadowModeTests): confident ones people agreed with, unsure ones they often changed.
        await _system.Database.ScalarAsync<long>("""
            WITH seeded AS (
              INSERT INTO shadow_proposals ("CorrelationId", "Generation", "Source", "ExternalId", "Kind", "Field", "AgentValue", "Before",
                "Language", "Confidence", "TicketUpdatedAt", "ProposedAt", "Outcome", "PeopleValue", "PeopleActor", "SettledAt")
              SELECT gen_random_uuid(), 1, CASE WHEN i % 3 = 0 THEN 'jira' ELSE 'zendesk' END, 'SHADOW-' || i, 'set-priority', 'priority',
                v.agent, 'normal', CASE WHEN i % 5 = 0 THEN 'de' ELSE 'en' END, v.confidence, now() - interval '2 hours', now() - interval '2 hours',
                v.outcome, CASE v.outcome WHEN 'Agreed' THEN v.agent WHEN 'Disagreed' THEN 'low' END,
                CASE WHEN v.outcome <> 'NoHumanAction' THEN 'agent-ana' END, now()
              FROM generate_series(1, 120) i,
                LATERAL (SELECT CASE WHEN i % 4 = 0 THEN 'urgent' ELSE 'high' END AS agent,
                                0.5 + (i % 50) / 100.0 AS confidence,
                                CASE WHEN i % 10 = 0 THEN 'NoHumanAction'
                                     WHEN i % 50 >= 30 OR i % 3 = 0 THEN 'Agreed' ELSE 'Disagreed' END AS outcome) v
              RETURNING 1)
            SELECT count(*) FROM seeded
            """);
        using var client = new HttpClient { BaseAddress = _system.Writer.Address };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AgentsSystem.ApproverToken);
        var expected = (await client.GetFromJsonAsync<JsonElement>("/shadow/report?kind=set-priority")).GetProperty("kinds")[0];
        var lines = expected.GetProperty("graduation").GetProperty("policyLines").GetString();
        Assert.That(lines, Does.StartWith("      write:set-priority: { allowed: true, mode: auto, auto_approve_min_confidence: 0."));

        var page = _tab.Page;
        await _tab.SignInAsync(AgentsSystem.ApproverToken);
        await page.GetByRole(Microsoft.Playwright.AriaRole.Link, new() { Name = "Shadow report" }).ClickAsync();
        var card = page.Locator(".kind[data-kind='set-priority']");
        await Expect(card).ToBeVisibleAsync(new() { Timeout = 15_000 });
        await Expect(card.Locator("h2 .headline")).ToContainTextAsync("120 proposals");
        await Expect(card.Locator("table.confusion")).ToContainTextAsync("agent \\ people");
        await Expect(card.Locator("caption", new() { HasText = "By source" })).ToBeVisibleAsync();
        await Expect(card.Locator("table", new() { HasText = "By source" })).ToContainTextAsync("jira");
        await Expect(card.Locator("table", new() { HasText = "By language" })).ToContainTextAsync("de");
        await Expect(card.Locator(".suggestion pre")).ToHaveTextAsync(lines!);
        await Expect(card.Locator(".threshold")).ToContainTextAsync("From confidence");

        var screenshot = await _tab.ScreenshotAsync("shadow-report");
        // The README's picture of the page, taken from this test so it never shows a page that no longer exists.
        File.Copy(screenshot, Path.Combine(RepositoryPaths.Root, "docs", "shadow-report.png"), overwrite: true);

        // A stricter target: the page asks again and shows what the writer answers for it.
        await page.Locator("#shadow-precision").SelectOptionAsync("0.99");
        var strict = (await client.GetFromJsonAsync<JsonElement>("/shadow/report?kind=set-priority&precision=0.99")).GetProperty("kinds")[0];
        await Expect(card.Locator(".suggestion p").First).ToContainTextAsync(strict.GetProperty("graduation").GetProperty("text").GetString()!);
        _tab.AssertClean();
    }
}
