using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using VaeWorkbench.E2E.Infrastructure;

namespace VaeWorkbench.E2E;

/// <summary>Anomaly review in a real browser: score from the model page, move the threshold, decide with the keyboard, export.</summary>
public sealed class ReviewFlowTests : IAsyncLifetime
{
    private const string Email = "serra@example.test";
    private AppServer _server = default!;
    private BrowserSession _browser = default!;

    public async Task InitializeAsync()
    {
        _server = await AppServer.StartAsync(new Dictionary<string, string> { ["Training:DefaultThreads"] = "1", ["Scoring:Threads"] = "1" });
        _browser = await BrowserSession.LaunchAsync();
    }

    [Fact]
    public async Task Open_a_model_adjust_the_threshold_decide_three_images_with_the_keyboard_and_download_the_csv()
    {
        using var api = await ApiSession.RegisterAsync(_server.BaseUrl, Email);
        var modelId = await TrainSmallModelAsync(api);

        var context = await _browser.Browser.NewContextAsync(new() { BaseURL = _server.BaseUrl, ViewportSize = new() { Width = 1366, Height = 900 }, AcceptDownloads = true });
        var page = await context.NewPageAsync();
        await FailureArtifacts.RunAsync(page, _server, "review-flow", async () =>
        {
            await page.SignInAsync(Email);

            await page.GotoAsync($"/models/{modelId}");
            await page.Locator("main[data-interactive='true']").WaitForAsync();
            // The inspection views render from the trained model, each in its tab of the model page.
            await Assertions.Expect(page.Locator("#inspection-metrics")).ToBeVisibleAsync(new() { Timeout = 30_000 });
            await Assertions.Expect(page.Locator("#metrics-active")).ToContainTextAsync("of 20");
            await page.OpenTabAsync("Samples", "samples");
            foreach (var id in new[] { "#recon-grid", "#sample-grid" })
                await Assertions.Expect(page.Locator(id)).ToBeVisibleAsync(new() { Timeout = 30_000 });
            await page.ChooseAsync("#recon-pick", "Worst reconstructed");
            var before = await page.Locator("#recon-grid").GetAttributeAsync("src");
            await page.ClickAsync("#recon-show");
            await Assertions.Expect(page.Locator("#recon-grid")).Not.ToHaveAttributeAsync("src", before!);
            await page.OpenTabAsync("Interpolation", "interpolation");
            await Assertions.Expect(page.Locator("#interp-grid")).ToBeVisibleAsync(new() { Timeout = 30_000 });
            await page.OpenTabAsync("Traversal", "traversal");
            await Assertions.Expect(page.Locator("#traverse-grid")).ToBeVisibleAsync(new() { Timeout = 30_000 });

            // The latent map: all 400 codes in one bitmap; clicking where images 0 and 1 are drawn picks them; two picks interpolate.
            await page.OpenTabAsync("Latent map", "latent-map");
            await page.ClickAsync("#map-draw");
            await Assertions.Expect(page.Locator("#map-image")).ToBeVisibleAsync(new() { Timeout = 30_000 });
            await Assertions.Expect(page.Locator("#map-x-axis")).ToContainTextAsync("PC 1 of μ");
            foreach (var (attribute, button) in new[] { ("data-point0", "#map-from"), ("data-point1", "#map-to") })
            {
                var xy = (await page.Locator("#map-image").GetAttributeAsync(attribute))!.Split(',').Select(double.Parse).ToArray();
                await page.Locator("#map-image").ClickAsync(new() { Position = new() { X = (float)xy[0], Y = (float)xy[1] } });
                await Assertions.Expect(page.Locator("#map-picked")).ToBeVisibleAsync();
                await page.ClickAsync(button);
            }
            await Assertions.Expect(page.Locator("#map-path")).ToContainTextAsync("from #0 to #1");
            await Assertions.Expect(page.Locator("#map-interp")).ToBeVisibleAsync();

            await page.OpenTabAsync("Scores", "scores");
            // Before any normal class is chosen the one-class view asks for them rather than showing an AUROC.
            await page.ChooseAsync("#score-method", "recon: reconstruction error");
            await page.ClickAsync("#start-score");
            // The job's end is pushed to the page, which then shows its result.
            await Assertions.Expect(page.Locator("#score-jobs tr[data-status='Succeeded']")).ToHaveCountAsync(1, new() { Timeout = 120_000 });
            await Assertions.Expect(page.Locator("#score-result")).ToBeVisibleAsync(new() { Timeout = 30_000 });
            // 400 images, 99th percentile → 4 flagged.
            await Assertions.Expect(page.Locator("#flagged-count")).ToHaveTextAsync("4");
            await Assertions.Expect(page.Locator("#score-histogram path")).Not.ToHaveCountAsync(0);

            // Typing a new percentile updates the flagged set at once; committing it stores it for the team.
            await page.FillAsync("#threshold-value", "97.5");
            await Assertions.Expect(page.Locator("#flagged-count")).ToHaveTextAsync("10");
            await page.Locator("#threshold-value").BlurAsync();
            var jobId = Guid.Parse((await page.Locator("#score-result").GetAttributeAsync("data-job"))!);
            await WaitForAsync(async () => (await api.GetJsonAsync($"/api/scores/{jobId}")).GetProperty("threshold").GetProperty("value").GetDouble() == 97.5, "the threshold to be saved");

            // Trouser alone as normal: AUROC and the ROC curve appear.
            await Assertions.Expect(page.Locator("#auroc")).ToHaveTextAsync("—, choose the normal classes first");
            await page.Locator("#normal-classes label").Filter(new() { HasText = "Trouser" }).First.Locator("input").CheckAsync();
            await Assertions.Expect(page.Locator("#auroc")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^0\.\d{3}$|^1\.000$"));
            await page.ScreenshotAsync(new() { Path = Path.Combine(RepoPaths.ScreenshotDirectory, "model-scoring.png"), FullPage = true });

            await page.GotoAsync($"/review?job={jobId}");
            await page.Locator("main[data-interactive='true']").WaitForAsync();
            await Assertions.Expect(page.Locator("#review-remaining")).ToHaveTextAsync("10");
            var decided = new List<string>();
            foreach (var key in new[] { "a", "n", "s" })
            {
                var card = page.Locator("#review-card");
                var image = await card.GetAttributeAsync("data-image");
                decided.Add(image!);
                await card.ClickAsync();
                if (key == "a")
                {
                    await page.FillAsync("#review-note input", "=1+1 stitched, torn");
                    await card.ClickAsync();
                }
                await page.Keyboard.PressAsync(key);
                await Assertions.Expect(page.Locator("#review-card")).Not.ToHaveAttributeAsync("data-image", image!);
            }
            await Assertions.Expect(page.Locator("#review-remaining")).ToHaveTextAsync("7");
            await page.ScreenshotAsync(new() { Path = Path.Combine(RepoPaths.ScreenshotDirectory, "review.png"), FullPage = true });
            await PageShots.CaptureAsync(page, _server.BaseUrl, page.Url, "review", "#review-card");

            var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#export-csv"));
            var csv = await File.ReadAllTextAsync((await download.PathAsync())!);
            var lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal("image,class,score,method,decision,reviewer,decided_at,note", lines[0]);
            Assert.Equal(4, lines.Length);
            Assert.Equal(["Anomaly", "Normal", "Skip"], lines.Skip(1).Select(l => l.Split(',')[4])); // worst first = decision order
            Assert.All(lines.Skip(1), l => Assert.Contains($",recon,", l));
            Assert.All(lines.Skip(1), l => Assert.Contains($",{Email},", l));
            Assert.EndsWith(",\"'=1+1 stitched, torn\"", lines[1]);

            // One confirmed anomaly: the cleaned dataset keeps the other 399 images.
            await page.ClickAsync("#create-cleaned");
            await page.ClickAsync("#cleaned-link");
            await Assertions.Expect(page.Locator("main")).ToContainTextAsync("399", new() { Timeout = 30_000 });

            var reviews = (await api.GetJsonAsync($"/api/scores/{jobId}/reviews")).EnumerateArray().ToList();
            Assert.Equal(decided.Select(long.Parse).Order(), reviews.Select(r => r.GetProperty("imageId").GetInt64()).Order());
        });
        await context.CloseAsync();
    }

    internal static async Task<Guid> TrainSmallModelAsync(ApiSession api)
    {
        using var form = new MultipartFormDataContent
        {
            { new StringContent("fashion-400"), "name" },
            { new StringContent("28"), "imageSize" },
            { new StringContent("1"), "channels" },
            { new ByteArrayContent(FashionData.Zip(perClass: 100, classes: [0, 1, 7, 9])), "files", "fashion.zip" },
        };
        var datasetId = (await api.SendAsync(await api.Client.PostAsync("/api/datasets", form), HttpStatusCode.Created)).GetProperty("id").GetGuid();
        var run = await api.SendAsync(await api.Client.PostAsJsonAsync("/api/runs", new { datasetId, epochs = 2, batch = 64, seed = 5 }), HttpStatusCode.Created);
        var runId = run.GetProperty("id").GetGuid();
        JsonElement state = default;
        await WaitForAsync(async () => (state = await api.GetJsonAsync($"/api/runs/{runId}")).GetProperty("status").GetString() is "Succeeded" or "Failed", "the training run");
        Assert.Equal("Succeeded", state.GetProperty("status").GetString());
        return state.GetProperty("modelId").GetGuid();
    }

    internal static async Task WaitForAsync(Func<Task<bool>> done, string what)
    {
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (!await done())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"timed out waiting for {what}");
            await Task.Delay(250);
        }
    }

    public async Task DisposeAsync()
    {
        await _browser.DisposeAsync();
        await _server.DisposeAsync();
    }
}
