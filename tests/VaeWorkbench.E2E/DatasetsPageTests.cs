using Microsoft.Playwright;
using VaeWorkbench.E2E.Infrastructure;

namespace VaeWorkbench.E2E;

public sealed class DatasetsPageTests : IAsyncLifetime
{
    private AppServer _server = default!;
    private BrowserSession _browser = default!;

    public async Task InitializeAsync()
    {
        _server = await AppServer.StartAsync();
        _browser = await BrowserSession.LaunchAsync();
    }

    [Fact]
    public async Task A_zip_uploaded_on_the_datasets_page_shows_its_summary_and_thumbnails()
    {
        var zip = FashionData.Zip(perClass: 30, classes: [1, 7, 8, 9]);
        var context = await _browser.Browser.NewContextAsync(new() { BaseURL = _server.BaseUrl, ViewportSize = new() { Width = 1366, Height = 900 } });
        var page = await context.NewPageAsync();
        await FailureArtifacts.RunAsync(page, _server, "datasets-upload", async () =>
        {
            await page.GotoAsync("/account/register");
            await page.FillAsync("#email", "fei@example.test");
            await page.FillAsync("#password", "imagenet-2009");
            await page.FillAsync("#confirm-password", "imagenet-2009");
            await page.ClickAsync("#register");
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Welcome, fei@example.test" })).ToBeVisibleAsync();

            await page.GotoAsync("/datasets");
            await page.Locator("main[data-interactive='true']").WaitForAsync();
            await Assertions.Expect(page.Locator("#no-datasets")).ToBeVisibleAsync();
            // InputFile wires its change listener after its first interactive render, a moment after the circuit is up;
            // a file set before that is never seen. Blazor marks the element when it is wired (InputFile.ts, init()).
            await page.WaitForFunctionAsync("() => document.querySelector('#dataset-files')?._blazorInputFileNextFileId !== undefined");
            await page.SetInputFilesAsync("#dataset-files", new FilePayload { Name = "fashion-four.zip", MimeType = "application/zip", Buffer = zip });
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
            await page.Locator("main[data-interactive='true']").WaitForAsync();
            await Assertions.Expect(page.Locator("#thumb-grid img")).ToHaveCountAsync(60);
            await Assertions.Expect(page.Locator("#image-total")).ToHaveTextAsync("120 images");
            await page.WaitForFunctionAsync("() => [...document.querySelectorAll('#thumb-grid img')].slice(0, 8).every(i => i.complete && i.naturalWidth === 28)");

            await page.ClickAsync("#class-filter");
            await page.ClickAsync(".rz-dropdown-item >> text=Bag (30)");
            await Assertions.Expect(page.Locator("#image-total")).ToHaveTextAsync("30 images");
            await Assertions.Expect(page.Locator("#thumb-grid img")).ToHaveCountAsync(30);

            await page.Locator("#thumb-grid .vwb-thumb").First.ClickAsync();
            await Assertions.Expect(page.Locator("#detail-class")).ToHaveTextAsync("Bag");
            await Assertions.Expect(page.Locator("#detail-name")).ToContainTextAsync("Bag/");
            await page.ScreenshotAsync(new() { Path = Path.Combine(RepoPaths.ScreenshotDirectory, "dataset-thumbnails.png"), FullPage = true });

            // A Viewer of the team sees the dataset but no upload form and no rename or delete buttons.
            await page.GotoAsync("/team");
            await page.Locator("main[data-interactive='true']").WaitForAsync();
            await page.ClickAsync("#create-invite");
            var code = await page.Locator("#invite-code").TextContentAsync();
            var viewerContext = await _browser.Browser.NewContextAsync(new() { BaseURL = _server.BaseUrl });
            var viewer = await viewerContext.NewPageAsync();
            await viewer.GotoAsync("/account/register");
            await viewer.FillAsync("#email", "yann@example.test");
            await viewer.FillAsync("#password", "lenet-1998-lenet");
            await viewer.FillAsync("#confirm-password", "lenet-1998-lenet");
            await viewer.ClickAsync("#register");
            await Assertions.Expect(viewer.GetByRole(AriaRole.Heading, new() { Name = "Welcome, yann@example.test" })).ToBeVisibleAsync();
            await viewer.GotoAsync("/team");
            await viewer.Locator("main[data-interactive='true']").WaitForAsync();
            await viewer.FillAsync("#join-code", code!);
            await viewer.ClickAsync("#join-team");
            await Assertions.Expect(viewer.Locator("#team-role")).ToHaveTextAsync("Viewer");
            await viewer.GotoAsync("/datasets");
            await viewer.Locator("main[data-interactive='true']").WaitForAsync();
            await Assertions.Expect(viewer.Locator("#datasets-grid .dataset-link")).ToHaveTextAsync("Fashion <four>");
            await Assertions.Expect(viewer.Locator("#upload-card")).ToHaveCountAsync(0);
            await Assertions.Expect(viewer.Locator("#datasets-grid .dataset-rename, #datasets-grid .dataset-delete")).ToHaveCountAsync(0);
            await viewerContext.CloseAsync();
        });
        await context.CloseAsync();
    }

    public async Task DisposeAsync()
    {
        await _browser.DisposeAsync();
        await _server.DisposeAsync();
    }
}
