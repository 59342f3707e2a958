using System.Text.RegularExpressions;
using Microsoft.Playwright;
using VaeWorkbench.E2E.Infrastructure;

namespace VaeWorkbench.E2E.Guide;

/// <summary>
/// docs/getting-started.md, step by step: create an account, upload Fashion-MNIST's test set as a ZIP, train the mlp
/// preset for 5 epochs, look at reconstructions and samples. Its pictures are this journey's screenshots.
/// </summary>
public sealed partial class GettingStartedGuideTests : BrowserTest
{
    private const string Guide = "getting-started";

    [Fact]
    public async Task Create_an_account_upload_a_zip_train_five_epochs_and_look_at_samples()
    {
        // The tutorial uploads all 10,000 test images; a test run uses 1,000 of them (100 per class) to stay short.
        var zip = FashionData.Zip(perClass: GuideShots.UpdatingDocs ? 1000 : 100, classes: [.. Enumerable.Range(0, 10)], withStrayTextFile: false);
        var context = await NewContextAsync(1440, 900);
        var page = await context.NewPageAsync();
        await FailureArtifacts.RunAsync(page, Server, "guide-getting-started", async () =>
        {
            // Step 2: create an account.
            await page.GotoAsync("/account/register");
            await page.FillAsync("#email", "ada@example.test");
            await page.FillAsync("#password", "a-long-enough-password");
            await page.FillAsync("#confirm-password", "a-long-enough-password");
            await GuideShots.TakeAsync(page, Guide, "01-register");
            await page.ClickAsync("#register");
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Welcome, ada@example.test" })).ToBeVisibleAsync();

            // Step 3: upload the ZIP on the Datasets page.
            await page.GotoAsync("/datasets");
            await page.WaitForInteractivityAsync();
            await page.FillAsync("#dataset-name input, input#dataset-name", "fashion-test");
            await page.SetBlazorInputFilesAsync("#dataset-files input[type=file]", new FilePayload { Name = "fashion-test.zip", MimeType = "application/zip", Buffer = zip });
            await GuideShots.TakeAsync(page, Guide, "02-upload");
            await page.ClickAsync("#start-upload");
            await Assertions.Expect(page.Locator("#import-count")).ToHaveTextAsync(GuideShots.UpdatingDocs ? "10000" : "1000", new() { Timeout = 120_000 });
            await GuideShots.TakeAsync(page, Guide, "03-imported");
            await page.ClickAsync("#import-dataset-link");
            await Assertions.Expect(page).ToHaveURLAsync(DatasetUrl());
            await page.WaitForInteractivityAsync();
            await Assertions.Expect(page.Locator("main")).ToContainTextAsync("10 classes");
            await GuideShots.TakeAsync(page, Guide, "04-dataset");
            var datasetId = DatasetUrl().Match(page.Url).Groups[1].Value;

            // Step 4: a run of the mlp preset for 5 epochs.
            await page.GotoAsync($"/runs/new?dataset={datasetId}");
            await page.WaitForInteractivityAsync();
            await page.ChooseAsync("#run-arch", "mlp");
            await page.FillAsync("#run-epochs input, input#run-epochs", "5");
            await page.Locator("#run-epochs input, input#run-epochs").BlurAsync();
            await Assertions.Expect(page.Locator("#run-estimate")).ToContainTextAsync("per epoch", new() { Timeout = 30_000 });
            await GuideShots.TakeAsync(page, Guide, "05-new-run");
            await page.ClickAsync("#start-run");

            // Step 5: the run's page fills in as epochs finish, then says Succeeded.
            await Assertions.Expect(page).ToHaveURLAsync(RunUrl());
            await page.WaitForInteractivityAsync();
            await Assertions.Expect(page.Locator("#run-status")).ToHaveTextAsync("Succeeded", new() { Timeout = 180_000 });
            await Assertions.Expect(page.Locator("#loss-chart")).ToHaveAttributeAsync("data-points", "5");
            await GuideShots.TakeAsync(page, Guide, "06-run-succeeded");
            await GuideShots.TakePhoneAsync(page, Guide, "06-run-succeeded");

            // Step 6: the model's reconstructions and samples.
            await page.ClickAsync("#model-link");
            await page.WaitForInteractivityAsync();
            await page.OpenTabAsync("Samples", "samples");
            foreach (var id in new[] { "#recon-grid", "#sample-grid" })
                await Assertions.Expect(page.Locator(id)).ToBeVisibleAsync(new() { Timeout = 30_000 });
            await GuideShots.TakeAsync(page, Guide, "07-samples");
        });
        await context.CloseAsync();
    }

    [GeneratedRegex("/datasets/([0-9a-f-]{36})$")]
    private static partial Regex DatasetUrl();

    [GeneratedRegex("/runs/[0-9a-f-]{36}$")]
    private static partial Regex RunUrl();
}
