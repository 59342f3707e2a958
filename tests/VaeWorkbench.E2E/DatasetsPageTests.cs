using Microsoft.Playwright;
using VaeWorkbench.E2E.Infrastructure;

namespace VaeWorkbench.E2E;

public sealed class DatasetsPageTests : BrowserTest
{
    [Fact]
    public async Task A_zip_uploaded_on_the_datasets_page_shows_its_summary_and_thumbnails()
    {
        var zip = FashionData.Zip(perClass: 30, classes: [1, 7, 8, 9]);
        var context = await NewContextAsync();
        var page = await context.NewPageAsync();
        await FailureArtifacts.RunAsync(page, Server, "datasets-upload", async () =>
        {
            await page.RegisterAsync("fei@example.test", "imagenet-2009");

            await page.GotoAsync("/datasets");
            await page.WaitForInteractivityAsync();
            await Assertions.Expect(page.Locator("#no-datasets")).ToBeVisibleAsync();
            await page.SetBlazorInputFilesAsync("#dataset-files input[type=file]", new FilePayload { Name = "fashion-four.zip", MimeType = "application/zip", Buffer = zip });
            await Assertions.Expect(page.Locator("#dataset-name")).ToHaveValueAsync("fashion-four");
            await page.FillAsync("#dataset-name", "Fashion <four>");
            await page.ClickAsync("#start-upload");

            await Assertions.Expect(page.Locator("#import-summary")).ToBeVisibleAsync(new() { Timeout = 60_000 });
            await Assertions.Expect(page.Locator("#import-count")).ToHaveTextAsync("120");
            await Assertions.Expect(page.Locator("#import-classes .import-class")).ToHaveTextAsync(["Ankle boot: 30", "Bag: 30", "Sneaker: 30", "Trouser: 30"]);
            await Assertions.Expect(page.Locator("#import-skipped-count")).ToHaveTextAsync("Skipped: 1");
            await Assertions.Expect(page.Locator("#import-skipped")).ToContainTextAsync("Bag/readme.txt");
            await Assertions.Expect(page.Locator("#import-duplicate-count")).ToHaveTextAsync("Duplicates: 0");
            // The name is shown as text, never as markup.
            await Assertions.Expect(page.Locator("#datasets-grid .dataset-link")).ToHaveTextAsync("Fashion <four>");
            await page.ScreenshotAsync(new() { Path = Path.Combine(RepoPaths.ScreenshotDirectory, "datasets-imported.png"), FullPage = true });

            await page.ClickAsync("#import-dataset-link");
            await Assertions.Expect(page.Locator("#dataset-title")).ToHaveTextAsync("Fashion <four>");
            await page.WaitForInteractivityAsync();
            await Assertions.Expect(page.Locator("#thumb-grid img")).ToHaveCountAsync(60);
            await Assertions.Expect(page.Locator("#image-total")).ToHaveTextAsync("120 images");
            await page.WaitForFunctionAsync("() => [...document.querySelectorAll('#thumb-grid img')].slice(0, 8).every(i => i.complete && i.naturalWidth === 28)");

            await page.ClickAsync("#class-filter");
            await page.ClickAsync(".mud-popover-open .mud-list-item >> text=Bag (30)");
            await Assertions.Expect(page.Locator("#image-total")).ToHaveTextAsync("30 images");
            await Assertions.Expect(page.Locator("#thumb-grid img")).ToHaveCountAsync(30);

            await page.Locator("#thumb-grid .vwb-thumb").First.ClickAsync();
            await Assertions.Expect(page.Locator("#detail-class")).ToHaveTextAsync("Bag");
            await Assertions.Expect(page.Locator("#detail-name")).ToContainTextAsync("Bag/");
            await page.ScreenshotAsync(new() { Path = Path.Combine(RepoPaths.ScreenshotDirectory, "dataset-thumbnails.png"), FullPage = true });

            // A Viewer of the team sees the dataset but no upload form and no rename or delete buttons.
            await page.GotoAsync("/team");
            await page.WaitForInteractivityAsync();
            await page.ClickAsync("#create-invite");
            var code = await page.Locator("#invite-code").TextContentAsync();
            var viewerContext = await Browser.Browser.NewContextAsync(new() { BaseURL = Server.BaseUrl });
            var viewer = await viewerContext.NewPageAsync();
            await viewer.RegisterAsync("yann@example.test", "lenet-1998-lenet");
            await viewer.GotoAsync("/team");
            await viewer.WaitForInteractivityAsync();
            await viewer.FillAsync("#join-code", code!);
            await viewer.ClickAsync("#join-team");
            await Assertions.Expect(viewer.Locator("#team-role")).ToHaveTextAsync("Viewer");
            await viewer.GotoAsync("/datasets");
            await viewer.WaitForInteractivityAsync();
            await Assertions.Expect(viewer.Locator("#datasets-grid .dataset-link")).ToHaveTextAsync("Fashion <four>");
            await Assertions.Expect(viewer.Locator("#upload-card")).ToHaveCountAsync(0);
            await Assertions.Expect(viewer.Locator("#datasets-grid .dataset-rename, #datasets-grid .dataset-delete")).ToHaveCountAsync(0);
            await viewerContext.CloseAsync();
        });
        await context.CloseAsync();
    }

}
