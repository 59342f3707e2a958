using Microsoft.Playwright;

namespace VaeWorkbench.E2E.Infrastructure;

/// <summary>
/// Screenshots of a page at desktop and phone width, in the light and the dark theme, for people to look at; each one
/// also checks that the page does not scroll sideways.
/// </summary>
public static class PageShots
{
    private static readonly (int Width, int Height)[] Sizes = [(1440, 900), (375, 812)];

    /// <summary>Opens <paramref name="url"/> in each theme and size and saves <c>{name}-{theme}-{width}.png</c>.</summary>
    public static async Task CaptureAsync(IPage page, string baseUrl, string url, string name, string readySelector = "main[data-interactive='true']")
    {
        var original = page.ViewportSize;
        foreach (var theme in new[] { "light", "dark" })
        {
            await page.Context.AddCookiesAsync([new Cookie { Name = "vwb.theme", Value = theme, Url = baseUrl }]);
            foreach (var (width, height) in Sizes)
            {
                await page.SetViewportSizeAsync(width, height);
                await page.GotoAsync(url);
                await page.Locator(readySelector).First.WaitForAsync();
                await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
                await page.ScreenshotAsync(new() { Path = Path.Combine(RepoPaths.ScreenshotDirectory, $"{name}-{theme}-{width}.png"), FullPage = true });
                var (scrollWidth, innerWidth) = (await page.EvaluateAsync<int>("document.documentElement.scrollWidth"), await page.EvaluateAsync<int>("window.innerWidth"));
                Assert.True(scrollWidth <= innerWidth, $"{url} scrolls sideways at {width} px in the {theme} theme ({scrollWidth} > {innerWidth}).");
            }
        }
        if (original is not null)
        {
            await page.SetViewportSizeAsync(original.Width, original.Height);
            // Last laid out at phone width (a drawer, stacked panels): loaded again at the test's own size and interactive,
            // so the steps that follow click a page laid out for it, not one caught mid-change.
            await page.GotoAsync(url);
            await page.Locator(readySelector).First.WaitForAsync();
            await page.Locator("main[data-interactive='true']").WaitForAsync();
        }
    }
}
