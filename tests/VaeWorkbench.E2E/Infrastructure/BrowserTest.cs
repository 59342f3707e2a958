using Microsoft.Playwright;

namespace VaeWorkbench.E2E.Infrastructure;

/// <summary>A browser test class: the real app on a fresh data directory and a Chromium instance, per test class instance.</summary>
public abstract class BrowserTest : IAsyncLifetime
{
    protected AppServer Server { get; private set; } = default!;

    protected BrowserSession Browser { get; private set; } = default!;

    /// <summary>Configuration for the app under test (keys as in appsettings.json).</summary>
    protected virtual IDictionary<string, string>? ServerSettings => null;

    public async Task InitializeAsync()
    {
        Server = await AppServer.StartAsync(ServerSettings);
        Browser = await BrowserSession.LaunchAsync();
    }

    protected Task<IBrowserContext> NewContextAsync(int width = 1366, int height = 900) =>
        Browser.Browser.NewContextAsync(new() { BaseURL = Server.BaseUrl, ViewportSize = new() { Width = width, Height = height } });

    public async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        await Server.DisposeAsync();
    }
}

/// <summary>Steps many browser tests share.</summary>
public static class PageSteps
{
    /// <summary>Creates an account on the register page and waits for the signed-in shell.</summary>
    public static async Task RegisterAsync(this IPage page, string email, string password = "a-long-enough-password")
    {
        await page.GotoAsync("/account/register");
        await page.FillAsync("#email", email);
        await page.FillAsync("#password", password);
        await page.FillAsync("#confirm-password", password);
        await page.ClickAsync("#register");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = $"Welcome, {email}" })).ToBeVisibleAsync();
    }

    /// <summary>Signs in on the login page with an existing account and waits to leave it.</summary>
    public static async Task SignInAsync(this IPage page, string email, string password = "a-long-enough-password")
    {
        await page.GotoAsync("/account/login");
        await page.FillAsync("#email", email);
        await page.FillAsync("#password", password);
        await page.ClickAsync("#sign-in");
        await page.WaitForURLAsync(url => !url.Contains("/account/login"));
    }

    /// <summary>Blazor Server pages are pre-rendered; interactive components work only once the circuit has rendered them.</summary>
    public static Task WaitForInteractivityAsync(this IPage page) => page.Locator("main[data-interactive='true']").WaitForAsync();

    /// <summary>
    /// Sets files on a Blazor InputFile. It wires its change listener after its first interactive render, a moment after
    /// the circuit is up; a file set before that is never seen. Blazor marks the element when it is wired (InputFile.ts, init()).
    /// </summary>
    public static async Task SetBlazorInputFilesAsync(this IPage page, string selector, params FilePayload[] files)
    {
        await page.WaitForFunctionAsync($"() => document.querySelector('{selector}')?._blazorInputFileNextFileId !== undefined");
        await page.SetInputFilesAsync(selector, files);
    }
}

/// <summary>Steps before judging a page's looks.</summary>
public static class SettledPage
{
    /// <summary>
    /// Waits until no CSS transition or animation runs (a button fading in after a click, a ripple), so a contrast check
    /// measures the colours a person reads, not a frame halfway between two of them.
    /// </summary>
    public static Task WaitForAnimationsAsync(this IPage page) =>
        page.EvaluateAsync("() => Promise.all(document.getAnimations().filter(a => a.effect?.getTiming().iterations !== Infinity).map(a => a.finished.catch(() => null)))");
}
