using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using VaeWorkbench.E2E.Infrastructure;

namespace VaeWorkbench.E2E;

/// <summary>
/// The model list and the model page's tabs on a phone and on a desktop, light and dark: nothing scrolls the page sideways, axe finds no
/// WCAG A/AA violation in the page's content, and each tab leaves a screenshot.
/// </summary>
public sealed class ModelPageLayoutTests : BrowserTest
{
    private const string Email = "layout@example.test";

    // Each tab and what shows once its views have loaded.
    private static readonly (string Tab, string Ready)[] Tabs =
    [
        ("overview", "#inspection-metrics"), ("samples", "#recon-grid"), ("interpolation", "#interp-grid"), ("traversal", "#traverse-grid"),
        ("latent-map", "#map-image"), ("scores", "#scoring-panel"), ("card", "#model-card-tab"), ("versions", "#model-versions-tab"),
    ];

    protected override IDictionary<string, string>? ServerSettings => new Dictionary<string, string> { ["Training:DefaultThreads"] = "1" };

    [Fact]
    public async Task Every_tab_fits_a_phone_and_passes_axe_in_light_and_dark()
    {
        using var api = await ApiSession.RegisterAsync(Server.BaseUrl, Email);
        var modelId = await ReviewFlowTests.TrainSmallModelAsync(api);

        foreach (var theme in new[] { "light", "dark" })
            foreach (var (width, height) in new[] { (375, 812), (1440, 900) })
            {
                var context = await NewContextAsync(width, height);
                await context.AddCookiesAsync([new Cookie { Name = "vwb.theme", Value = theme, Url = Server.BaseUrl }]);
                var page = await context.NewPageAsync();
                await FailureArtifacts.RunAsync(page, Server, $"model-layout-{theme}-{width}", async () =>
                {
                    await page.SignInAsync(Email);
                    await page.GotoAsync("/models");
                    await page.WaitForInteractivityAsync();
                    await Assertions.Expect(page.Locator("#models-grid a[href^='models/']")).ToHaveCountAsync(1);
                    // The registry list above the grid is another page's part; axe looks at the grid here.
                    await CheckAsync(page, "list", width, theme, "#models-grid");
                    foreach (var (tab, ready) in Tabs)
                    {
                        await page.GotoAsync($"/models/{modelId}?tab={tab}");
                        await page.WaitForInteractivityAsync();
                        if (tab == "latent-map") await page.ClickAsync("#map-draw");
                        await Assertions.Expect(page.Locator(ready)).ToBeVisibleAsync(new() { Timeout = 60_000 });
                        await CheckAsync(page, tab, width, theme);
                    }
                });
                await context.CloseAsync();
            }
    }

    private static async Task CheckAsync(IPage page, string name, int width, string theme, string scope = "main")
    {
        var widths = await page.EvaluateAsync<int[]>("() => [document.documentElement.scrollWidth, window.innerWidth]");
        Assert.True(widths[0] <= widths[1], $"{name} at {width} px ({theme}) scrolls sideways: {widths[0]} > {widths[1]}");
        await page.WaitForAnimationsAsync();
        var axe = await page.RunAxe(new AxeRunContext { Include = [new AxeSelector(scope)] },
            new AxeRunOptions { RunOnly = new RunOnlyOptions { Type = "tag", Values = ["wcag2a", "wcag2aa"] } });
        Assert.True(axe.Violations.Length == 0, $"{name} at {width} px ({theme}): " + string.Join("; ",
            axe.Violations.Select(v => $"{v.Id}: {v.Help} ({string.Join(", ", v.Nodes.Take(3).Select(n => $"{n.Html} [{n.Target}] {string.Join(" ", (n.Any ?? []).Select(c => c.Message))}"))})")));
        await page.ScreenshotAsync(new() { Path = Path.Combine(RepoPaths.ScreenshotDirectory, $"model-{name}-{width}-{theme}.png"), FullPage = true });
    }
}
