using System.Text.RegularExpressions;
using Microsoft.Playwright;
using VaeWorkbench.E2E.Infrastructure;

namespace VaeWorkbench.E2E;

/// <summary>The product's main path in a real browser: upload a dataset, start a run, watch it learn, see it succeed.</summary>
public sealed partial class TrainingFlowTests : BrowserTest
{
    [Fact]
    public async Task Upload_a_zip_start_a_run_watch_the_chart_grow_and_see_it_succeed()
    {
        var zip = FashionData.Zip(perClass: 100, classes: [0, 1, 7, 9]);
        var context = await NewContextAsync();
        var page = await context.NewPageAsync();
        await FailureArtifacts.RunAsync(page, Server, "training-flow", async () =>
        {
            await page.RegisterAsync("kingma@example.test", "auto-encoding-vb");

            await page.GotoAsync("/datasets");
            await page.WaitForInteractivityAsync();
            await page.SetBlazorInputFilesAsync("#dataset-files input[type=file]", new FilePayload { Name = "fashion.zip", MimeType = "application/zip", Buffer = zip });
            await page.ClickAsync("#start-upload");
            await Assertions.Expect(page.Locator("#import-count")).ToHaveTextAsync("400", new() { Timeout = 60_000 });
            var datasetHref = await page.Locator("#import-dataset-link").GetAttributeAsync("href");
            var datasetId = DatasetId().Match(datasetHref ?? "").Groups[1].Value;

            await page.GotoAsync($"/runs/new?dataset={datasetId}");
            await page.WaitForInteractivityAsync();
            await Assertions.Expect(page.Locator("#run-estimate")).ToContainTextAsync("per epoch", new() { Timeout = 30_000 });
            // Enough small steps that the run is still going when its page opens, even on a fast, idle machine.
            await page.FillAsync("#run-epochs input, input#run-epochs", "30");
            await page.Locator("#run-epochs input, input#run-epochs").BlurAsync();
            await page.FillAsync("#run-batch input, input#run-batch", "16");
            await page.Locator("#run-batch input, input#run-batch").BlurAsync();
            await page.ScreenshotAsync(new() { Path = Path.Combine(RepoPaths.ScreenshotDirectory, "run-new.png"), FullPage = true });
            await page.ClickAsync("#start-run");

            await Assertions.Expect(page).ToHaveURLAsync(RunUrl());
            await page.WaitForInteractivityAsync();
            // The chart gains points as epochs finish, pushed by the server (the page never reloads): it shows a
            // part-way count first, then all 30.
            await page.WaitForFunctionAsync(
                "() => { const n = Number(document.querySelector('#loss-chart')?.dataset.points); return n >= 1 && n < 30; }",
                null, new() { Timeout = 120_000, PollingInterval = 50 });
            await Assertions.Expect(page.Locator("#reconstructions")).ToBeVisibleAsync();
            await Assertions.Expect(page.Locator("#run-status")).ToHaveTextAsync("Succeeded", new() { Timeout = 120_000 });
            await Assertions.Expect(page.Locator("#loss-chart")).ToHaveAttributeAsync("data-points", "30");
            await Assertions.Expect(page.Locator("#run-progress-text")).ToContainTextAsync("Epoch 30 of 30");
            // The train curve is a drawn line through the epochs, not just an empty frame.
            await Assertions.Expect(page.Locator("#loss-chart path.vwb-chart-line").First).ToHaveAttributeAsync("d", new Regex(@"^M[\d.,]+( L[\d.,]+){29}$"));
            await page.ScreenshotAsync(new() { Path = Path.Combine(RepoPaths.ScreenshotDirectory, "run-succeeded.png"), FullPage = true });

            await page.ClickAsync("#model-link");
            await Assertions.Expect(page.Locator("#model-metrics")).ToContainTextAsync("Epochs");
        });
        await context.CloseAsync();
    }

    [GeneratedRegex("datasets/([0-9a-f-]{36})")]
    private static partial Regex DatasetId();

    [GeneratedRegex("/runs/[0-9a-f-]{36}$")]
    private static partial Regex RunUrl();

}
