using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using VaeWorkbench.E2E.Infrastructure;

namespace VaeWorkbench.E2E;

/// <summary>From a trained model in a real browser: preview 200 samples, save them as a set, follow the job, download the ZIP.</summary>
public sealed partial class AugmentationFlowTests : IAsyncLifetime
{
    private AppServer _server = default!;
    private BrowserSession _browser = default!;

    public async Task InitializeAsync()
    {
        _server = await AppServer.StartAsync(new Dictionary<string, string> { ["Training:PollSeconds"] = "1", ["Augmentation:PollSeconds"] = "1" });
        _browser = await BrowserSession.LaunchAsync();
    }

    [Fact]
    public async Task Generate_200_samples_preview_them_save_and_download_the_zip()
    {
        const string email = "goodfellow@example.test";
        Guid modelId;
        using (var api = await ApiSession.RegisterAsync(_server.BaseUrl, email))
        {
            var datasetId = await api.UploadFashionMnistAsync("fashion test split");
            var run = await api.SendAsync(await api.Client.PostAsJsonAsync("/api/runs", new { datasetId, epochs = 1, batch = 128 }), HttpStatusCode.Created);
            var runId = run.GetProperty("id").GetGuid();
            var deadline = DateTime.UtcNow.AddMinutes(3);
            JsonElement state;
            do
            {
                await Task.Delay(250);
                state = await api.GetJsonAsync($"/api/runs/{runId}");
            }
            while (state.GetProperty("status").GetString() is "Queued" or "Running" && DateTime.UtcNow < deadline);
            Assert.Equal("Succeeded", state.GetProperty("status").GetString());
            modelId = state.GetProperty("modelId").GetGuid();
        }

        var context = await _browser.Browser.NewContextAsync(new() { BaseURL = _server.BaseUrl, ViewportSize = new() { Width = 1366, Height = 900 }, AcceptDownloads = true });
        var page = await context.NewPageAsync();
        await FailureArtifacts.RunAsync(page, _server, "augmentation-flow", async () =>
        {
            await page.GotoAsync("/account/login");
            await page.FillAsync("#email", email);
            await page.FillAsync("#password", "a-long-enough-password");
            await page.ClickAsync("#sign-in");
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = $"Welcome, {email}" })).ToBeVisibleAsync();

            await page.GotoAsync($"/models/{modelId}");
            await page.Locator("main[data-interactive='true']").WaitForAsync();
            await page.ClickAsync("#generate-link");
            await Assertions.Expect(page).ToHaveURLAsync(new Regex($"/models/{modelId}/generate$"));
            await page.Locator("#gen-count").WaitForAsync();
            await page.FillAsync("#gen-count input, input#gen-count", "200");
            await page.Locator("#gen-count input, input#gen-count").BlurAsync();
            await page.FillAsync("#gen-seed input, input#gen-seed", "42");
            await page.Locator("#gen-seed input, input#gen-seed").BlurAsync();

            await page.ClickAsync("#gen-preview");
            await Assertions.Expect(page.Locator("#gen-preview-grid")).ToBeVisibleAsync(new() { Timeout = 30_000 });
            await Assertions.Expect(page.Locator("#gen-preview-caption")).ToContainTextAsync("The first 64 samples of this set; the filter keeps 64. Seed 42.");
            var gridSize = await page.Locator("#gen-preview-grid").EvaluateAsync<int[]>("img => [img.naturalWidth, img.naturalHeight]");
            Assert.Equal([16 * 28 + 17 * 2, 4 * 28 + 5 * 2], gridSize); // 64 tiles, 16 per row
            await page.ScreenshotAsync(new() { Path = Path.Combine(RepoPaths.ScreenshotDirectory, "generate-preview.png"), FullPage = true });

            await page.ClickAsync("#gen-save");
            await Assertions.Expect(page.Locator("#gen-status")).ToHaveTextAsync("Succeeded", new() { Timeout = 60_000 });
            await Assertions.Expect(page.Locator("#gen-counts")).ToHaveTextAsync("Generated 200 of 200, kept 200.");

            await page.ClickAsync("#gen-open-set");
            await Assertions.Expect(page).ToHaveURLAsync(SetUrl());
            await page.Locator("main[data-interactive='true']").WaitForAsync();
            await Assertions.Expect(page.Locator("#set-status")).ToHaveTextAsync("Succeeded");
            await Assertions.Expect(page.Locator("#set-class-counts")).ToHaveTextAsync("unlabeled: 200");
            await Assertions.Expect(page.Locator("#set-grid img")).ToHaveCountAsync(96);
            await page.ScreenshotAsync(new() { Path = Path.Combine(RepoPaths.ScreenshotDirectory, "augmented-set.png"), FullPage = true });
            await PageShots.CaptureAsync(page, _server.BaseUrl, page.Url, "augmented-set", "#set-grid img");

            var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#export-zip"));
            var path = Path.Combine(Path.GetTempPath(), $"e2e-augmented-{Guid.NewGuid():N}.zip");
            await download.SaveAsAsync(path);
            try
            {
                using var zip = ZipFile.OpenRead(path);
                var names = zip.Entries.Select(e => e.FullName).ToList();
                Assert.Equal(Enumerable.Range(1, 200).Select(i => $"unlabeled/{i:D6}.png").Concat(["manifest.csv", "provenance.json"]), names);
                using var manifest = new StreamReader(zip.GetEntry("manifest.csv")!.Open());
                var rows = manifest.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
                Assert.Equal(201, rows.Length);
                Assert.Equal($"unlabeled/000001.png,,generated,{modelId},prior,42,", rows[1]);
                using var provenance = JsonDocument.Parse(zip.GetEntry("provenance.json")!.Open());
                Assert.Equal(200, provenance.RootElement.GetProperty("provenance").GetProperty("kept").GetInt32());
            }
            finally
            {
                File.Delete(path);
            }

            await page.GotoAsync("/augmented");
            await page.Locator("main[data-interactive='true']").WaitForAsync();
            await Assertions.Expect(page.Locator("#augmented-grid")).ToContainTextAsync("200 kept of 200 generated");

            await PageShots.CaptureAsync(page, _server.BaseUrl, "/augmented", "augmented-list", "#augmented-grid tbody tr.mud-table-row");
            await PageShots.CaptureAsync(page, _server.BaseUrl, $"/models/{modelId}/generate", "generate", "#gen-form");
        });
        await context.CloseAsync();
    }

    [GeneratedRegex("/augmented/[0-9a-f-]{36}$")]
    private static partial Regex SetUrl();

    public async Task DisposeAsync()
    {
        await _browser.DisposeAsync();
        await _server.DisposeAsync();
    }
}
