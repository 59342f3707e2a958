using System.Net;
using System.Net.Http.Json;
using Microsoft.Playwright;
using VaeWorkbench.E2E.Infrastructure;

namespace VaeWorkbench.E2E;

/// <summary>
/// Issue 18's review and picking journeys in a real browser: bulk decisions in the review grid taken back with Ctrl+Z,
/// and interpolation end points chosen in the thumbnail dialog.
/// </summary>
public sealed class ReviewGridAndPickerFlowTests : IAsyncLifetime
{
    private const string Email = "ines@example.test";
    private AppServer _server = default!;
    private BrowserSession _browser = default!;

    public async Task InitializeAsync()
    {
        _server = await AppServer.StartAsync(new Dictionary<string, string> { ["Training:DefaultThreads"] = "1", ["Scoring:Threads"] = "1" });
        _browser = await BrowserSession.LaunchAsync();
    }

    [Fact]
    public async Task In_grid_mode_three_selected_images_are_confirmed_at_once_and_ctrl_z_brings_them_back_undecided()
    {
        using var api = await ApiSession.RegisterAsync(_server.BaseUrl, Email);
        var jobId = await ScoredJobAsync(api);

        var context = await _browser.Browser.NewContextAsync(new() { BaseURL = _server.BaseUrl, ViewportSize = new() { Width = 1366, Height = 900 } });
        var page = await context.NewPageAsync();
        await FailureArtifacts.RunAsync(page, _server, "review-grid", async () =>
        {
            await page.SignInAsync(Email);
            await page.GotoAsync($"/review?job={jobId}");
            await page.Locator("main[data-interactive='true']").WaitForAsync();
            await Assertions.Expect(page.Locator("#review-remaining")).ToHaveTextAsync("10");

            await page.Locator("#review-mode button").Filter(new() { HasText = "Grid" }).ClickAsync();
            var thumbs = page.Locator(".vwb-review-thumb");
            await Assertions.Expect(thumbs).ToHaveCountAsync(10);
            await Assertions.Expect(page.Locator("#review-shortcuts")).ToContainTextAsync("Ctrl+Z");
            var chosen = new List<string>();
            for (var i = 0; i < 3; i++) chosen.Add((await thumbs.Nth(i).GetAttributeAsync("data-image"))!);
            // The grid's thumbnails settle first (their images load after the grid renders), so each click lands on the
            // element that stays; the first click is seen before the range is extended from it.
            await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
            // Known issue: right after the switch to grid mode, a click can reach the server with the handler of the
            // render before (Blazor drops it), which happened in 2 of about 10 loaded CI runs. The click is repeated,
            // at most three times, until the selection says so; a grid that never selects still fails here.
            for (var attempt = 0; attempt < 3 && await page.Locator("#grid-selected").TextContentAsync() != "1 selected"; attempt++)
            {
                await thumbs.Nth(0).ClickAsync();
                try { await Assertions.Expect(page.Locator("#grid-selected")).ToHaveTextAsync("1 selected", new() { Timeout = 3_000 }); }
                catch (PlaywrightException) when (attempt < 2) { }
            }
            await thumbs.Nth(2).ClickAsync(new() { Modifiers = [KeyboardModifier.Shift] });
            await Assertions.Expect(page.Locator("#grid-selected")).ToHaveTextAsync("3 selected");
            await page.ClickAsync("#grid-confirm");

            await Assertions.Expect(page.Locator("#review-remaining")).ToHaveTextAsync("7");
            await Assertions.Expect(thumbs).ToHaveCountAsync(7);
            var stored = (await api.GetJsonAsync($"/api/scores/{jobId}/reviews")).EnumerateArray().ToList();
            Assert.Equal(chosen.Order(), stored.Select(r => r.GetProperty("imageId").GetInt64().ToString()).Order());
            Assert.All(stored, r => Assert.Equal("Anomaly", r.GetProperty("decision").GetString()));

            await page.Locator("#review-grid").FocusAsync();
            await page.Keyboard.PressAsync("Control+z");

            await Assertions.Expect(page.Locator(".mud-snackbar").Filter(new() { HasText = "Undone:" })).ToContainTextAsync("Undone: 3 images marked anomaly, now undecided.");
            await Assertions.Expect(page.Locator("#review-remaining")).ToHaveTextAsync("10");
            foreach (var id in chosen)
                await Assertions.Expect(page.Locator($".vwb-review-thumb[data-image='{id}']")).ToHaveAttributeAsync("data-decision", "undecided");
            Assert.Equal(0, (await api.GetJsonAsync($"/api/scores/{jobId}/reviews")).GetArrayLength());

            await PageShots.CaptureAsync(page, _server.BaseUrl, $"/review?job={jobId}&mode=grid", "review-grid", ".vwb-review-thumb");
        });
        await context.CloseAsync();
    }

    [Fact]
    public async Task Interpolation_end_points_are_picked_in_the_thumbnail_dialog_by_search_and_class()
    {
        using var api = await ApiSession.RegisterAsync(_server.BaseUrl, Email);
        var modelId = await ReviewFlowTests.TrainSmallModelAsync(api);

        var context = await _browser.Browser.NewContextAsync(new() { BaseURL = _server.BaseUrl, ViewportSize = new() { Width = 1366, Height = 900 } });
        var page = await context.NewPageAsync();
        await FailureArtifacts.RunAsync(page, _server, "interpolation-picker", async () =>
        {
            await page.SignInAsync(Email);
            await page.GotoAsync($"/models/{modelId}?tab=interpolation");
            await page.Locator("main[data-interactive='true']").WaitForAsync();
            await Assertions.Expect(page.Locator("#interp-grid")).ToBeVisibleAsync(new() { Timeout = 30_000 });
            await Assertions.Expect(page.Locator("#interp-a figcaption")).ToContainTextAsync("#0 (");
            var before = await page.Locator("#interp-grid").GetAttributeAsync("src");

            // From: found by its number.
            await page.ClickAsync("#interp-a button");
            var dialog = page.Locator(".mud-dialog");
            await Assertions.Expect(dialog.Locator(".vwb-picker-thumb")).ToHaveCountAsync(24);
            await dialog.Locator("#picker-search input").FillAsync("#7");
            await Assertions.Expect(dialog.Locator(".vwb-picker-thumb")).ToHaveCountAsync(1);
            await dialog.Locator(".vwb-picker-thumb").ClickAsync();
            await dialog.Locator("#picker-choose").ClickAsync();
            await Assertions.Expect(dialog).ToHaveCountAsync(0);
            await Assertions.Expect(page.Locator("#interp-a figcaption")).ToContainTextAsync("#7 (");

            // To: the first Sneaker, with the keyboard (Tab to the thumbnail, Enter to pick it).
            await page.ClickAsync("#interp-b button");
            await Assertions.Expect(dialog.Locator(".vwb-picker-thumb")).ToHaveCountAsync(24);
            await page.ChooseAsync("#picker-class", "Sneaker");
            await Assertions.Expect(dialog.Locator(".vwb-picker-thumb").First).ToHaveAttributeAsync("aria-label", new System.Text.RegularExpressions.Regex("class Sneaker$"));
            var sneaker = (await dialog.Locator(".vwb-picker-thumb").First.GetAttributeAsync("data-index"))!;
            await dialog.Locator(".vwb-picker-thumb").First.FocusAsync();
            await page.Keyboard.PressAsync("Enter");
            await Assertions.Expect(dialog.Locator(".vwb-picker-thumb").First).ToHaveAttributeAsync("aria-pressed", "true");
            await dialog.Locator("#picker-choose").ClickAsync();
            await Assertions.Expect(page.Locator("#interp-b figcaption")).ToContainTextAsync($"#{sneaker} (");
            await Assertions.Expect(page.Locator("#interp-b figcaption")).ToContainTextAsync("Sneaker/");

            await page.ClickAsync("#interp-show");
            await Assertions.Expect(page.Locator("#interp-grid")).Not.ToHaveAttributeAsync("src", before!, new() { Timeout = 30_000 });

            await CaptureDialogAsync(page, $"/models/{modelId}?tab=interpolation");

            // The finished run, opened again, shows the reconstruction grid kept when it ended.
            var runId = (await api.GetJsonAsync($"/api/models/{modelId}")).GetProperty("runId").GetGuid();
            await page.GotoAsync($"/runs/{runId}");
            await Assertions.Expect(page.Locator("#reconstructions")).ToHaveAttributeAsync("src", new System.Text.RegularExpressions.Regex("^data:image/png;base64,"));
            await Assertions.Expect(page.Locator("#reconstructions-elsewhere")).ToHaveCountAsync(0);
            await PageShots.CaptureAsync(page, _server.BaseUrl, $"/runs/{runId}", "run-finished", "#reconstructions");
        });
        await context.CloseAsync();
    }

    /// <summary>The picker open over the interpolation view, at desktop and phone width, light and dark; none scrolls sideways.</summary>
    private async Task CaptureDialogAsync(IPage page, string url)
    {
        foreach (var theme in new[] { "light", "dark" })
        {
            await page.Context.AddCookiesAsync([new Microsoft.Playwright.Cookie { Name = "vwb.theme", Value = theme, Url = _server.BaseUrl }]);
            foreach (var (width, height) in new[] { (1440, 900), (375, 812) })
            {
                await page.SetViewportSizeAsync(width, height);
                await page.GotoAsync(url);
                await page.Locator("main[data-interactive='true']").WaitForAsync();
                await page.Locator("#interp-grid").WaitForAsync(new() { Timeout = 30_000 });
                await page.ScreenshotAsync(new() { Path = Path.Combine(RepoPaths.ScreenshotDirectory, $"interpolation-{theme}-{width}.png"), FullPage = true });
                await page.ClickAsync("#interp-a button");
                await Assertions.Expect(page.Locator(".mud-dialog .vwb-picker-thumb")).ToHaveCountAsync(24);
                await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
                await page.ScreenshotAsync(new() { Path = Path.Combine(RepoPaths.ScreenshotDirectory, $"image-picker-{theme}-{width}.png") });
                var (scrollWidth, innerWidth) = (await page.EvaluateAsync<int>("document.documentElement.scrollWidth"), await page.EvaluateAsync<int>("window.innerWidth"));
                Assert.True(scrollWidth <= innerWidth, $"the picker scrolls sideways at {width} px in the {theme} theme ({scrollWidth} > {innerWidth}).");
            }
        }
    }

    /// <summary>A trained model scored with reconstruction error, its threshold at the 97.5th percentile: 10 of 400 images to review.</summary>
    private static async Task<Guid> ScoredJobAsync(ApiSession api)
    {
        var modelId = await ReviewFlowTests.TrainSmallModelAsync(api);
        var datasetId = (await api.GetJsonAsync($"/api/models/{modelId}")).GetProperty("datasetId").GetGuid();
        var started = await api.SendAsync(await api.Client.PostAsJsonAsync($"/api/models/{modelId}/scores", new { datasetId, method = "recon" }), HttpStatusCode.Accepted);
        var jobId = started.GetProperty("jobId").GetGuid();
        await ReviewFlowTests.WaitForAsync(async () => (await api.GetJsonAsync($"/api/scores/{jobId}")).GetProperty("status").GetString() is "Succeeded" or "Failed", "the score job");
        Assert.Equal("Succeeded", (await api.GetJsonAsync($"/api/scores/{jobId}")).GetProperty("status").GetString());
        await api.SendAsync(await api.Client.PutAsJsonAsync($"/api/scores/{jobId}/settings", new { thresholdMode = "Percentile", thresholdValue = 97.5 }), HttpStatusCode.OK);
        return jobId;
    }

    public async Task DisposeAsync()
    {
        await _browser.DisposeAsync();
        await _server.DisposeAsync();
    }
}
