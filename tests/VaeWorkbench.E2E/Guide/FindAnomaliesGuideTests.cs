using System.Text.RegularExpressions;
using Microsoft.Playwright;
using VaeWorkbench.E2E.Infrastructure;

namespace VaeWorkbench.E2E.Guide;

/// <summary>
/// docs/find-anomalies.md, step by step: train on the normal classes (footwear), score a mixed set, set a threshold,
/// review the flagged images with the keyboard, export the cleaned dataset, and read the AUROC.
/// </summary>
public sealed partial class FindAnomaliesGuideTests : BrowserTest
{
    private const string Guide = "find-anomalies";
    private static readonly int[] Footwear = [5, 7, 9]; // Sandal, Sneaker, Ankle boot

    protected override IDictionary<string, string>? ServerSettings => new Dictionary<string, string> { ["Scoring:Threads"] = "2" };

    [Fact]
    public async Task Train_on_footwear_score_a_mixed_set_review_the_flagged_images_and_export_the_cleaned_set()
    {
        var docs = GuideShots.UpdatingDocs;
        var normal = FashionData.Zip(perClass: docs ? 2000 : 600, Footwear, withStrayTextFile: false, trainingSplit: true);
        var mixed = FashionData.Zip(perClass: docs ? 1000 : 40, [.. Enumerable.Range(0, 10)], withStrayTextFile: false);
        var context = await NewContextAsync(1440, 900);
        var page = await context.NewPageAsync();
        await FailureArtifacts.RunAsync(page, Server, "guide-find-anomalies", async () =>
        {
            await page.RegisterAsync("grace@example.test");
            var normalId = await GuideData.UploadZipAsync(page, "footwear-train", normal);
            var mixedId = await GuideData.UploadZipAsync(page, "fashion-test", mixed);

            // Step 2: train on the normal images only.
            await page.GotoAsync($"/runs/new?dataset={normalId}");
            await page.WaitForInteractivityAsync();
            await page.FillAsync("#run-epochs input, input#run-epochs", "5");
            await page.Locator("#run-epochs input, input#run-epochs").BlurAsync();
            await page.ClickAsync("#start-run");
            await Assertions.Expect(page.Locator("#run-status")).ToHaveTextAsync("Succeeded", new() { Timeout = 180_000 });
            await page.ClickAsync("#model-link");
            await page.WaitForInteractivityAsync();

            // Step 3: score the mixed set with the recommended method.
            await page.OpenTabAsync("Scores", "scores");
            await page.ChooseAsync("#score-dataset", $"fashion-test ({(docs ? 10_000 : 400):N0} images)");
            await page.ChooseAsync("#score-method", "latent: Mahalanobis of μ (recommended)");
            await GuideShots.TakeAsync(page, Guide, "01-score-form", page.Locator("#scoring-panel"));
            await page.ClickAsync("#start-score");
            await Assertions.Expect(page.Locator("#score-jobs tr[data-status='Succeeded']")).ToHaveCountAsync(1, new() { Timeout = 180_000 });
            await Assertions.Expect(page.Locator("#score-result")).ToBeVisibleAsync(new() { Timeout = 30_000 });

            // Step 4: a threshold: the top 5% are flagged.
            await page.FillAsync("#threshold-value", "95");
            await page.Locator("#threshold-value").BlurAsync();
            await Assertions.Expect(page.Locator("#flagged-count")).ToHaveTextAsync(docs ? "500" : "20");

            // Step 7 (read on the same tab): the AUROC once the normal classes are named.
            foreach (var name in new[] { "Sandal", "Sneaker", "Ankle boot" })
                await page.Locator("#normal-classes label").Filter(new() { HasText = name }).First.Locator("input").CheckAsync();
            await Assertions.Expect(page.Locator("#auroc")).ToHaveTextAsync(new Regex(@"^0\.\d{3}$|^1\.000$"));
            var auroc = double.Parse(await page.Locator("#auroc").TextContentAsync() ?? "0", System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(auroc > 0.8, $"a model of footwear should tell footwear from clothes (AUROC {auroc})");
            await GuideShots.TakeAsync(page, Guide, "02-scores", page.Locator("#scoring-panel"));
            var jobId = (await page.Locator("#score-result").GetAttributeAsync("data-job"))!;

            // Step 5: review with the keyboard: a confirms an anomaly, n dismisses it as normal, s skips.
            await page.GotoAsync($"/review?job={jobId}");
            await page.WaitForInteractivityAsync();
            await Assertions.Expect(page.Locator("#review-card")).ToBeVisibleAsync();
            await GuideShots.TakeAsync(page, Guide, "03-review");
            await GuideShots.TakePhoneAsync(page, Guide, "03-review");
            var remaining = int.Parse((await page.Locator("#review-remaining").TextContentAsync())!);
            foreach (var key in new[] { "a", "a", "n" })
            {
                var image = await page.Locator("#review-card").GetAttributeAsync("data-image");
                await page.Locator("#review-card").ClickAsync();
                await page.Keyboard.PressAsync(key);
                await Assertions.Expect(page.Locator("#review-card")).Not.ToHaveAttributeAsync("data-image", image!);
            }
            await Assertions.Expect(page.Locator("#review-remaining")).ToHaveTextAsync((remaining - 3).ToString());

            // Step 6: the cleaned dataset leaves out the two confirmed anomalies.
            await page.ClickAsync("#create-cleaned");
            await page.ClickAsync("#cleaned-link");
            await page.WaitForInteractivityAsync();
            await Assertions.Expect(page.Locator("main")).ToContainTextAsync($"{(docs ? 10_000 : 400) - 2}", new() { Timeout = 30_000 });
            await GuideShots.TakeAsync(page, Guide, "04-cleaned");
            Assert.NotEqual(mixedId, DatasetUrl().Match(page.Url).Groups[1].Value);
        });
        await context.CloseAsync();
    }

    [GeneratedRegex("datasets/([0-9a-f-]{36})")]
    private static partial Regex DatasetUrl();
}
