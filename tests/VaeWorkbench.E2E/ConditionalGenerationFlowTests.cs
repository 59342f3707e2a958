using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using VaeWorkbench.E2E.Infrastructure;

namespace VaeWorkbench.E2E;

/// <summary>
/// A conditional model from start to end in Chromium: trained from the new-run form on a small labelled dataset, looked
/// at on the model page (samples per class, an interpolation at a class), then two of its classes generated with a
/// count each, and the set seen with its per-class counts and class fidelity. The pages are photographed at 1440 and
/// 375 px, light and dark, and the generate page is checked with axe.
/// </summary>
public sealed class ConditionalGenerationFlowTests : BrowserTest
{
    private const string Email = "sohn@example.test";

    protected override IDictionary<string, string>? ServerSettings => new Dictionary<string, string>
    {
        ["Training:PollSeconds"] = "1", ["Augmentation:PollSeconds"] = "1", ["Augmentation:Threads"] = "2",
    };

    [Fact]
    public async Task Train_a_conditional_model_generate_two_classes_with_a_count_each_and_see_the_set()
    {
        Guid datasetId;
        using (var api = await ApiSession.RegisterAsync(Server.BaseUrl, Email))
            datasetId = await api.UploadZipAsync("footwear and trousers", FashionData.Zip(perClass: 100, classes: [1, 5, 7, 9], withStrayTextFile: false, trainingSplit: true));

        var context = await NewContextAsync(1440, 900);
        var page = await context.NewPageAsync();
        await FailureArtifacts.RunAsync(page, Server, "conditional-generation", async () =>
        {
            await page.SignInAsync(Email);

            // Trained from the form, with the class as a condition.
            await page.GotoAsync($"/runs/new?dataset={datasetId}");
            await page.WaitForInteractivityAsync();
            await page.Locator("#run-conditional input").CheckAsync();
            // Small batches and a few more epochs: a few hundred steps, enough for the classes to show (seconds with mlp).
            await page.FillAsync("#run-epochs input, input#run-epochs", "15");
            await page.Locator("#run-epochs input, input#run-epochs").BlurAsync();
            await page.FillAsync("#run-batch input, input#run-batch", "16");
            await page.Locator("#run-batch input, input#run-batch").BlurAsync();
            await page.ClickAsync("#start-run");
            await Assertions.Expect(page.Locator("#run-status")).ToHaveTextAsync("Succeeded", new() { Timeout = 180_000 });
            await page.ClickAsync("#model-link");
            await page.WaitForInteractivityAsync();
            var modelUrl = page.Url;

            // The model page says at which class it draws.
            await page.GotoAsync($"{modelUrl}?tab=samples");
            await page.WaitForInteractivityAsync();
            await Assertions.Expect(page.Locator("#sample-grid-note")).ToHaveTextAsync(
                "One column per class, left to right: Ankle boot, Sandal, Sneaker, Trouser. Each sample is decoded at its column's class.", new() { Timeout = 60_000 });
            await Assertions.Expect(page.Locator("#recon-grid-note")).ToHaveTextAsync("Each image is encoded and decoded at its own class.");
            await PageShots.CaptureAsync(page, Server.BaseUrl, $"{modelUrl}?tab=samples", "conditional-model-samples", "#sample-grid");
            await page.GotoAsync($"{modelUrl}?tab=interpolation");
            await page.WaitForInteractivityAsync();
            await Assertions.Expect(page.Locator("#interp-grid-note")).ToContainTextAsync("the first image's class, from end to end", new() { Timeout = 60_000 });
            await PageShots.CaptureAsync(page, Server.BaseUrl, $"{modelUrl}?tab=interpolation", "conditional-model-interpolation", "#interp-grid");

            // Two classes, 25 images each.
            await page.GotoAsync($"{modelUrl}/generate");
            await page.WaitForInteractivityAsync();
            await Assertions.Expect(page.Locator("#gen-conditional")).ToContainTextAsync("conditional on its 4 classes");
            await Assertions.Expect(page.Locator("#gen-class-picker .mud-chip-selected")).ToHaveCountAsync(4);
            await Assertions.Expect(page.Locator("#gen-mode")).ToContainTextAsync("Per class"); // the class-true mode first
            await PageShots.CaptureAsync(page, Server.BaseUrl, page.Url, "conditional-generate", "#gen-class-picker");
            await page.ClickAsync("#gen-classes-none");
            await Assertions.Expect(page.Locator("#gen-total")).ToHaveTextAsync("No class chosen: nothing to generate.");
            await page.Locator("#gen-class-picker .mud-chip", new() { HasText = "Trouser" }).ClickAsync();
            await page.Locator("#gen-class-picker .mud-chip", new() { HasText = "Sneaker" }).ClickAsync();
            await page.FillAsync("#gen-count-per-class input", "25");
            await page.Locator("#gen-count-per-class input").BlurAsync();
            await Assertions.Expect(page.Locator("#gen-total")).ToHaveTextAsync("2 classes × 25 images = 50 in all.");
            await CheckAxeAsync(page);
            await page.ClickAsync("#gen-preview");
            await Assertions.Expect(page.Locator("#gen-preview-grid")).ToBeVisibleAsync(new() { Timeout = 60_000 });
            await page.ScreenshotAsync(new() { Path = Path.Combine(RepoPaths.ScreenshotDirectory, "conditional-generate-filled-1440.png"), FullPage = true });
            await page.ClickAsync("#gen-save");
            await Assertions.Expect(page.Locator("#gen-status")).ToHaveTextAsync("Succeeded", new() { Timeout = 180_000 });
            await Assertions.Expect(page.Locator("#gen-counts")).ToHaveTextAsync("Generated 50 of 50, kept 50.");

            // The set: 25 of each class asked for, and how many of them the judge takes for their class.
            await page.ClickAsync("#gen-open-set");
            await page.WaitForInteractivityAsync();
            await Assertions.Expect(page.Locator("#set-class-counts")).ToHaveTextAsync("Sneaker: 25 · Trouser: 25");
            await Assertions.Expect(page.Locator("#set-class-fidelity")).ToContainTextAsync("of 50 images look like the class asked for", new() { Timeout = 30_000 });
            await Assertions.Expect(page.Locator("#set-class-fidelity")).ToContainTextAsync("Sneaker: ");
            await Assertions.Expect(page.Locator("#set-provenance-summary")).ToContainTextAsync(
                "50 samples shared evenly among classes Sneaker, Trouser (25 per class), each labelled with its class and decoded at it");
            await PageShots.CaptureAsync(page, Server.BaseUrl, page.Url, "conditional-augmented-set", "#set-class-fidelity");
        });
        await context.CloseAsync();
    }

    private static async Task CheckAxeAsync(IPage page)
    {
        await page.WaitForAnimationsAsync();
        var axe = await page.RunAxe(new AxeRunContext { Include = [new AxeSelector("main")] },
            new AxeRunOptions { RunOnly = new RunOnlyOptions { Type = "tag", Values = ["wcag2a", "wcag2aa"] } });
        Assert.True(axe.Violations.Length == 0, "the generate page: " + string.Join("; ",
            axe.Violations.Select(v => $"{v.Id}: {v.Help} ({string.Join(", ", v.Nodes.Take(3).Select(n => n.Html))})")));
    }
}
