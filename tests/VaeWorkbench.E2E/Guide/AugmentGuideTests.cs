using System.IO.Compression;
using Microsoft.Playwright;
using VaeWorkbench.E2E.Infrastructure;

namespace VaeWorkbench.E2E.Guide;

/// <summary>
/// docs/augment-a-small-dataset.md, step by step: upload 100 images per class, train a conditional conv model, generate
/// per class with the quality filter and the class balance kept, read the class fidelity, and export an ImageFolder ZIP.
/// </summary>
public sealed class AugmentGuideTests : BrowserTest
{
    private const string Guide = "augment-a-small-dataset";

    protected override IDictionary<string, string>? ServerSettings => new Dictionary<string, string> { ["Augmentation:Threads"] = "2" };

    [Fact]
    public async Task Train_a_conditional_model_generate_per_class_read_the_class_fidelity_and_export_a_zip()
    {
        var docs = GuideShots.UpdatingDocs;
        var small = FashionData.Zip(perClass: 100, classes: [.. Enumerable.Range(0, 10)], withStrayTextFile: false, trainingSplit: true);
        var context = await Browser.Browser.NewContextAsync(new() { BaseURL = Server.BaseUrl, ViewportSize = new() { Width = 1440, Height = 900 }, AcceptDownloads = true });
        var page = await context.NewPageAsync();
        await FailureArtifacts.RunAsync(page, Server, "guide-augment", async () =>
        {
            await page.RegisterAsync("ines@example.test");
            var datasetId = await GuideData.UploadZipAsync(page, "fashion-small", small);
            await Assertions.Expect(page.Locator("#import-count")).ToHaveTextAsync("1000");

            // Step 2: a conditional conv model.
            await page.GotoAsync($"/runs/new?dataset={datasetId}");
            await page.WaitForInteractivityAsync();
            await page.ChooseAsync("#run-arch", "conv");
            await page.Locator("#run-conditional input").CheckAsync();
            await page.FillAsync("#run-epochs input, input#run-epochs", docs ? "40" : "10");
            await page.Locator("#run-epochs input, input#run-epochs").BlurAsync();
            await page.FillAsync("#run-batch input, input#run-batch", "32");
            await page.Locator("#run-batch input, input#run-batch").BlurAsync();
            await Assertions.Expect(page.Locator("#run-estimate")).ToContainTextAsync("per epoch", new() { Timeout = 30_000 });
            await GuideShots.TakeAsync(page, Guide, "01-conditional-run");
            await page.ClickAsync("#start-run");
            await Assertions.Expect(page.Locator("#run-status")).ToHaveTextAsync("Succeeded", new() { Timeout = 300_000 });
            await page.ClickAsync("#model-link");
            await page.WaitForInteractivityAsync();

            // Step 3: per class, 100 images of each, filtered, with each class topped up to its target.
            await page.ClickAsync("#generate-link");
            await page.WaitForInteractivityAsync();
            await page.ChooseAsync("#gen-mode", "Per class");
            // A conditional model: every class is chosen to begin with, and the count is per class.
            await Assertions.Expect(page.Locator("#gen-class-picker .mud-chip-selected")).ToHaveCountAsync(10);
            await page.FillAsync("#gen-count-per-class input", "100");
            await page.Locator("#gen-count-per-class input").BlurAsync();
            await Assertions.Expect(page.Locator("#gen-total")).ToHaveTextAsync("10 classes × 100 images = 1,000 in all.");
            await page.FillAsync("#gen-max-elbo input, input#gen-max-elbo", "95");
            await page.Locator("#gen-max-elbo input, input#gen-max-elbo").BlurAsync();
            await page.ChooseAsync("#gen-balance", "Top each class up to target");
            await page.ClickAsync("#gen-preview");
            await Assertions.Expect(page.Locator("#gen-preview-grid")).ToBeVisibleAsync(new() { Timeout = 60_000 });
            await GuideShots.TakeAsync(page, Guide, "02-generate");
            await page.ClickAsync("#gen-save");
            await Assertions.Expect(page.Locator("#gen-status")).ToHaveTextAsync("Succeeded", new() { Timeout = 300_000 });

            // Step 4: the set, its class fidelity and its per-class report.
            await page.ClickAsync("#gen-open-set");
            await page.WaitForInteractivityAsync();
            await Assertions.Expect(page.Locator("#set-class-fidelity")).ToContainTextAsync("look like the class asked for", new() { Timeout = 30_000 });
            var fidelity = await page.Locator("#set-class-fidelity").TextContentAsync();
            Assert.Matches(@"^\d+(\.\d)?\s?% of 1,000 images", fidelity!.Trim());
            await GuideShots.TakeAsync(page, Guide, "03-augmented-set");
            await GuideShots.TakePhoneAsync(page, Guide, "03-augmented-set");

            // Step 5: the ImageFolder ZIP, one folder per class, 100 images in each.
            var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#export-zip"));
            using var zip = ZipFile.OpenRead((await download.PathAsync())!);
            var perFolder = zip.Entries.Where(e => e.FullName.EndsWith(".png")).GroupBy(e => e.FullName.Split('/')[0]).ToDictionary(g => g.Key, g => g.Count());
            Assert.Equal(FashionData.ClassNames.Order(StringComparer.Ordinal), perFolder.Keys.Order(StringComparer.Ordinal));
            Assert.All(perFolder.Values, n => Assert.Equal(100, n));
            Assert.Contains(zip.Entries, e => e.FullName == "manifest.csv");
        });
        await context.CloseAsync();
    }
}
