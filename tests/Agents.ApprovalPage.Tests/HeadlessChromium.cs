using Agents.Harness;
using Microsoft.Playwright;
using NUnit.Framework;

namespace Agents.ApprovalPage.Tests;

/// <summary>
/// Debian's chromium driven by Playwright (no browser download). Missing browser: skipped locally, a failure under
/// CI=true, like a missing server.
/// </summary>
public sealed class HeadlessChromium : IAsyncDisposable
{
    private HeadlessChromium(IPlaywright playwright, IBrowser browser)
    {
        Playwright = playwright;
        Browser = browser;
    }

    public IPlaywright Playwright { get; }
    public IBrowser Browser { get; }

    /// <summary>AGENTS_TEST_CHROMIUM, else /usr/bin/chromium.</summary>
    public static string ExecutablePath =>
        Environment.GetEnvironmentVariable("AGENTS_TEST_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    public static async Task<HeadlessChromium> LaunchAsync()
    {
        if (!File.Exists(ExecutablePath))
        {
            var why = $"No Chromium at {ExecutablePath}: install Debian's chromium package or set AGENTS_TEST_CHROMIUM.";
            if (TestServers.RunningUnderCi)
                Assert.Fail(why);
            Assert.Ignore(why);
        }
        var playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            // CI runs as root, where Chromium refuses to start sandboxed; containers often have a tiny /dev/shm.
            Args = ["--no-sandbox", "--disable-dev-shm-usage"],
            Timeout = 30_000,
        });
        return new HeadlessChromium(playwright, browser);
    }

    /// <summary>A fresh tab the size of a laptop screen, recording every dialog and script error.</summary>
    public async Task<BrowserTab> OpenAsync(Uri address)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 1366, Height = 768 },
            BaseURL = address.ToString(),
        });
        context.SetDefaultTimeout(15_000);
        var page = await context.NewPageAsync();
        var tab = new BrowserTab(context, page);
        await page.GotoAsync("/");
        return tab;
    }

    public async ValueTask DisposeAsync()
    {
        await Browser.DisposeAsync();
        Playwright.Dispose();
    }
}
