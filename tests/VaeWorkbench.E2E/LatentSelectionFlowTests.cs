using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using VaeWorkbench.E2E.Infrastructure;

namespace VaeWorkbench.E2E;

/// <summary>The latent map in a real browser: drag a region, tag its images, send them to review, and review them.</summary>
public sealed partial class LatentSelectionFlowTests : IAsyncLifetime
{
    private const string Email = "lasso@example.test";
    private AppServer _server = default!;
    private BrowserSession _browser = default!;

    public async Task InitializeAsync()
    {
        _server = await AppServer.StartAsync(new Dictionary<string, string> { ["Training:DefaultThreads"] = "1", ["Scoring:Threads"] = "1" });
        _browser = await BrowserSession.LaunchAsync();
    }

    [Fact]
    public async Task Drag_a_region_on_the_latent_map_tag_it_send_it_to_review_and_see_it_in_the_review_queue()
    {
        using var api = await ApiSession.RegisterAsync(_server.BaseUrl, Email);
        var modelId = await ReviewFlowTests.TrainSmallModelAsync(api);
        var datasetId = (await api.GetJsonAsync($"/api/models/{modelId}")).GetProperty("datasetId").GetGuid();
        // A score job whose threshold flags nothing, so its review queue holds only what the map sends.
        var started = await api.SendAsync(await api.Client.PostAsJsonAsync($"/api/models/{modelId}/scores", new { datasetId, method = "recon" }), HttpStatusCode.Accepted);
        var jobId = started.GetProperty("jobId").GetGuid();
        await ReviewFlowTests.WaitForAsync(async () => (await api.GetJsonAsync($"/api/scores/{jobId}")).GetProperty("status").GetString() == "Succeeded", "the score job");
        await api.SendAsync(await api.Client.PutAsJsonAsync($"/api/scores/{jobId}/settings", new { thresholdMode = "Manual", thresholdValue = 1e12 }), HttpStatusCode.OK);

        var context = await _browser.Browser.NewContextAsync(new() { BaseURL = _server.BaseUrl, ViewportSize = new() { Width = 1366, Height = 900 } });
        var page = await context.NewPageAsync();
        await FailureArtifacts.RunAsync(page, _server, "latent-selection", async () =>
        {
            await page.SignInAsync(Email);
            // The latent map's own tab, opened from a link as a bookmark would.
            await page.GotoAsync($"/models/{modelId}?tab=latent-map");
            await page.Locator("main[data-interactive='true']").WaitForAsync();
            await page.ClickAsync("#map-draw");
            var map = page.Locator("#map-image");
            await Assertions.Expect(map).ToBeVisibleAsync(new() { Timeout = 30_000 });

            // Drag a 60 px square around where image 0 is drawn (kept inside the bitmap).
            var xy = (await map.GetAttributeAsync("data-point0"))!.Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
            double Clamp(double v) => Math.Clamp(v, 2, 558);
            var (x0, y0, x1, y1) = (Clamp(xy[0] - 30), Clamp(xy[1] - 30), Clamp(xy[0] + 30), Clamp(xy[1] + 30));
            // Mouse coordinates are the viewport's: bring the whole map into view first.
            await map.ScrollIntoViewIfNeededAsync();
            var box = (await map.BoundingBoxAsync())!;
            await page.Mouse.MoveAsync((float)(box.X + x0), (float)(box.Y + y0));
            await page.Mouse.DownAsync();
            await page.Mouse.MoveAsync((float)(box.X + x1), (float)(box.Y + y1), new() { Steps = 6 });
            await page.Mouse.UpAsync();
            await Assertions.Expect(page.Locator("#map-region")).ToBeVisibleAsync();
            var countText = await page.Locator("#map-selection-count").InnerTextAsync(new() { Timeout = 30_000 });
            var selected = int.Parse(SelectedCount().Match(countText).Groups[1].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture);
            Assert.InRange(selected, 1, 400);

            await page.FillAsync("#map-tag", "odd seams");
            await page.ClickAsync("#map-tag-apply");
            await Assertions.Expect(page.Locator("#map-selection-result")).ToHaveTextAsync($"Tagged {selected} images 'odd seams'.");
            await Assertions.Expect(page.Locator("#map-tags")).ToContainTextAsync($"odd seams ({selected})");
            await page.ClickAsync("#map-queue");
            await Assertions.Expect(page.Locator("#map-selection-result")).ToHaveTextAsync($"Sent {selected} images to the review queue.");
            await page.ScreenshotAsync(new() { Path = Path.Combine(RepoPaths.ScreenshotDirectory, "latent-selection.png"), FullPage = true });

            // The server resolved the same region the page showed: what was tagged is what the region API returns for it
            // (allowing a pixel at the edges, where the browser's fractional mouse offsets may round either way).
            var tagged = (await api.GetJsonAsync($"/api/datasets/{datasetId}/tags/odd%20seams")).EnumerateArray().Select(i => i.GetProperty("imageId").GetInt64()).ToHashSet();
            Assert.Equal(selected, tagged.Count);
            var inner = await RegionAsync(api, modelId, x0 + 1, y0 + 1, x1 - 1, y1 - 1);
            var outer = await RegionAsync(api, modelId, x0 - 1, y0 - 1, x1 + 1, y1 + 1);
            Assert.Subset(tagged, inner);
            Assert.Superset(tagged, outer);

            await page.GotoAsync($"/review?job={jobId}");
            await page.Locator("main[data-interactive='true']").WaitForAsync();
            await Assertions.Expect(page.Locator("#review-remaining")).ToHaveTextAsync(selected.ToString(CultureInfo.InvariantCulture));
            await Assertions.Expect(page.Locator("#review-queued")).ToHaveTextAsync($" and {selected} queued by hand");
            await Assertions.Expect(page.Locator("#review-why")).ToHaveTextAsync("queued by hand");
            var card = page.Locator("#review-card");
            var image = long.Parse((await card.GetAttributeAsync("data-image"))!, CultureInfo.InvariantCulture);
            Assert.Contains(image, tagged);
            await card.ClickAsync();
            await page.Keyboard.PressAsync("a");
            await Assertions.Expect(page.Locator("#review-remaining")).ToHaveTextAsync((selected - 1).ToString(CultureInfo.InvariantCulture));
            var reviews = (await api.GetJsonAsync($"/api/scores/{jobId}/reviews")).EnumerateArray().ToList();
            Assert.Equal(image, reviews.Single().GetProperty("imageId").GetInt64());
        });
        await context.CloseAsync();
    }

    private static async Task<HashSet<long>> RegionAsync(ApiSession api, Guid modelId, double x0, double y0, double x1, double y1)
    {
        var region = await api.SendAsync(await api.Client.PostAsJsonAsync($"/api/models/{modelId}/latent-map/region", new { projection = "pca", x0, y0, x1, y1 }), HttpStatusCode.OK);
        return [.. region.GetProperty("images").EnumerateArray().Select(i => i.GetProperty("imageId").GetInt64())];
    }

    [GeneratedRegex(@"^([\d,]+) images selected")]
    private static partial Regex SelectedCount();

    public async Task DisposeAsync()
    {
        await _browser.DisposeAsync();
        await _server.DisposeAsync();
    }
}
