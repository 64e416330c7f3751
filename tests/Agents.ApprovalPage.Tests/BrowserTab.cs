using System.Collections.Concurrent;
using Agents.Harness;
using Microsoft.Playwright;
using NUnit.Framework;

namespace Agents.ApprovalPage.Tests;

/// <summary>One browser tab on the approval page, with what the page did that a test must see: dialogs, errors.</summary>
public sealed class BrowserTab : IAsyncDisposable
{
    private readonly IBrowserContext _context;

    public BrowserTab(IBrowserContext context, IPage page)
    {
        _context = context;
        Page = page;
        page.Dialog += (_, dialog) =>
        {
            Dialogs.Enqueue(dialog.Message);
            _ = dialog.DismissAsync();
        };
        page.PageError += (_, error) => Errors.Enqueue(error);
        page.Console += (_, message) =>
        {
            // Failed requests are recorded with their address below; the console line has none.
            if (message.Type == "error" && !message.Text.StartsWith("Failed to load resource", StringComparison.Ordinal))
                Errors.Enqueue(message.Text);
        };
        page.Response += (_, response) =>
        {
            if (response.Status >= 400)
                FailedRequests.Enqueue($"{response.Status} {new Uri(response.Url).AbsolutePath}");
        };
    }

    public IPage Page { get; }

    /// <summary>alert/confirm/prompt the page opened: a script from ticket text would show here.</summary>
    public ConcurrentQueue<string> Dialogs { get; } = new();

    /// <summary>Uncaught exceptions and console errors (CSP violations are reported there too).</summary>
    public ConcurrentQueue<string> Errors { get; } = new();

    /// <summary>Answers of 400 and above the page received, as "status path".</summary>
    public ConcurrentQueue<string> FailedRequests { get; } = new();

    /// <summary>
    /// No script error, no CSP violation, no dialog, no failed request, except the bulk-review probe: a writer
    /// without bulk review answers 404 there, and the page then shows no bulk section.
    /// </summary>
    public void AssertClean()
    {
        Assert.That(Errors, Is.Empty, "script errors or CSP violations");
        Assert.That(Dialogs, Is.Empty, "dialogs (alert/confirm) the page opened");
        Assert.That(FailedRequests.Where(r => r != "404 /approvals/batches"), Is.Empty, "failed requests");
    }

    public async Task SignInAsync(string approverToken, string name = "alice")
    {
        await Page.GetByLabel("Approver token").FillAsync(approverToken);
        await Page.GetByLabel("Approver token").PressAsync("Enter");
        await Assertions.Expect(Page.Locator("#who-name")).ToHaveTextAsync(name);
    }

    /// <summary>The card of one write; its element id is the write's id (UUIDv5 of its idempotency key).</summary>
    public ILocator Card(Guid writeId) => Page.Locator($".card[data-id='{writeId}']");

    /// <summary>A full-page screenshot, attached to the test and kept under TestResults/ for CI.</summary>
    public async Task<string> ScreenshotAsync(string name)
    {
        // scripts/test keeps AGENTS_TEST_RESULTS (default TestResults/) as the CI artifact.
        var results = Environment.GetEnvironmentVariable("AGENTS_TEST_RESULTS") is { Length: > 0 } r ? r : Path.Combine(RepositoryPaths.Root, "TestResults");
        var folder = Path.Combine(results, "approval-page");
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, $"{name}.png");
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = false });
        TestContext.AddTestAttachment(path, name);
        return path;
    }

    public async ValueTask DisposeAsync() => await _context.CloseAsync();
}
