using AngleSharp.Dom;
using Microsoft.AspNetCore.Components.Forms;
using MudBlazor;
using VaeWorkbench.Imaging;
using VaeWorkbench.Imaging.Formats.Png;
using VaeWorkbench.Web.Datasets;
using VaeWorkbench.Web.Options;
using DatasetsPage = VaeWorkbench.Web.Components.Pages.Datasets;

namespace VaeWorkbench.Web.Components.Tests.Pages;

public sealed class DatasetsTests : WorkbenchTestContext
{
    private const int MaxFiles = 4;
    private const long MaxBytes = 64 << 10;
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    public DatasetsTests() => Services.Configure<DatasetOptions>(o =>
    {
        o.MaxFilesPerUpload = MaxFiles;
        o.MaxUploadBytes = MaxBytes;
    });

    [Fact]
    public async Task The_list_shows_ten_datasets_a_page_newest_first_and_fetches_the_next_page_from_the_server()
    {
        var user = await SignInAsync(TeamRole.Viewer);
        for (var i = 0; i < 12; i++) await AddReadyDatasetAsync(user, $"set {i:00}");

        var page = Render<DatasetsPage>();

        page.WaitForAssertion(() => Assert.Equal([.. Enumerable.Range(2, 10).Reverse().Select(i => $"set {i:00}")], Names(page)), Wait);
        Assert.Contains("1-10 of 12", page.Find("#datasets-grid .mud-table-pagination").TextContent);
        page.Find("#datasets-grid button[aria-label='Next page']").Click();
        page.WaitForAssertion(() => Assert.Equal(["set 01", "set 00"], Names(page)), Wait);
        Assert.Contains("11-12 of 12", page.Find("#datasets-grid .mud-table-pagination").TextContent);
    }

    [Fact]
    public async Task The_name_filter_matches_any_case_and_takes_wildcards_literally()
    {
        var user = await SignInAsync(TeamRole.Viewer);
        foreach (var name in new[] { "mnist digits", "fashion", "MNIST letters", "cats 50%", "cats 500" }) await AddReadyDatasetAsync(user, name);
        var page = Render<DatasetsPage>();
        page.WaitForAssertion(() => Assert.Equal(5, Names(page).Count), Wait);

        page.Find("#dataset-filter").Input("mnist");
        page.WaitForAssertion(() => Assert.Equal(["MNIST letters", "mnist digits"], Names(page)), Wait);
        Assert.Contains("1-2 of 2", page.Find("#datasets-grid .mud-table-pagination").TextContent);

        page.Find("#dataset-filter").Input("50%");
        page.WaitForAssertion(() => Assert.Equal(["cats 50%"], Names(page)), Wait);

        page.Find("#dataset-filter").Input("zebra");
        page.WaitForAssertion(() => Assert.Equal("No dataset's name contains “zebra”.", page.Find("#no-matching-datasets").TextContent), Wait);
        Assert.Empty(page.FindAll("#no-datasets"));
    }

    [Fact]
    public async Task Sorting_by_name_orders_the_whole_list_not_only_the_page_shown()
    {
        var user = await SignInAsync(TeamRole.Viewer);
        for (var i = 0; i < 12; i++) await AddReadyDatasetAsync(user, $"set {(i * 7) % 12:00}");
        var page = Render<DatasetsPage>();
        page.WaitForAssertion(() => Assert.Equal(10, Names(page).Count), Wait);

        page.FindAll("#datasets-grid .sortable-column-header").Single(h => h.TextContent.Trim() == "Name").Click();

        page.WaitForAssertion(() => Assert.Equal([.. Enumerable.Range(0, 10).Select(i => $"set {i:00}")], Names(page)), Wait);
    }

    [Fact]
    public async Task A_team_without_datasets_is_told_so_and_an_editor_where_to_upload()
    {
        await SignInAsync(TeamRole.Editor);

        var page = Render<DatasetsPage>();

        page.WaitForAssertion(() => Assert.Equal("No datasets yet. Upload one above.", page.Find("#no-datasets").TextContent), Wait);
        Assert.NotNull(page.Find("#upload-card"));
    }

    [Fact]
    public async Task A_viewer_gets_no_upload_form_and_no_rename_or_delete()
    {
        var user = await SignInAsync(TeamRole.Viewer);
        await AddReadyDatasetAsync(user, "digits");

        var page = Render<DatasetsPage>();

        page.WaitForAssertion(() => Assert.Equal(["digits"], Names(page)), Wait);
        Assert.Empty(page.FindAll("#upload-card, .dataset-rename, .dataset-delete"));
    }

    [Fact]
    public async Task Chosen_files_are_listed_each_with_its_progress_and_the_first_names_the_dataset()
    {
        await SignInAsync(TeamRole.Editor);
        var page = Render<DatasetsPage>();
        Assert.True(page.Find("#start-upload").HasAttribute("disabled"));

        Choose(page, ("cat.png", Png(1)), ("dog.png", Png(2)));

        var items = page.FindAll(".vwb-upload-item");
        Assert.Equal(2, items.Count);
        Assert.StartsWith("cat.png (", items[0].TextContent.Trim());
        Assert.Equal("Upload progress of dog.png", items[1].QuerySelector(".mud-progress-linear")?.GetAttribute("aria-label"));
        Assert.Equal("cat", page.Find("#dataset-name").GetAttribute("value"));
        Assert.False(page.Find("#start-upload").HasAttribute("disabled"));
    }

    [Fact]
    public async Task More_files_than_allowed_are_refused_before_any_byte_is_sent()
    {
        await SignInAsync(TeamRole.Editor);
        var page = Render<DatasetsPage>();

        Choose(page, [.. Enumerable.Range(0, MaxFiles + 1).Select(i => ($"{i}.png", Png(i)))]);

        Assert.Equal($"Choose at most {MaxFiles} files; put many images in a ZIP.", page.Find("#upload-status").TextContent);
        Assert.Empty(page.FindAll(".vwb-upload-item"));
        Assert.True(page.Find("#start-upload").HasAttribute("disabled"));
    }

    [Fact]
    public async Task Files_larger_than_an_upload_may_hold_are_refused_with_the_sizes()
    {
        await SignInAsync(TeamRole.Editor);
        var page = Render<DatasetsPage>();

        Choose(page, ("big.png", new byte[MaxBytes + 1]));
        Assert.Equal("These files hold 64 KB; an upload may hold 64 KB.", page.Find("#upload-status").TextContent);
        page.Find("#start-upload").Click();

        Assert.Equal("An upload may hold 64 KB.", page.Find("#upload-status").TextContent);
    }

    [Fact]
    public async Task An_upload_is_imported_summarised_and_listed()
    {
        var user = await SignInAsync(TeamRole.Editor);
        var page = Render<DatasetsPage>();
        Choose(page, ("a.png", Png(1)), ("b.png", Png(2)), ("c.png", Png(3)));
        page.Find("#dataset-name").Input("three <dots>");

        page.Find("#start-upload").Click();

        page.WaitForAssertion(() => Assert.Equal("3", page.Find("#import-count").TextContent), Wait);
        Assert.Equal("three <dots>", page.Find("#import-dataset-link").TextContent);
        page.WaitForAssertion(() => Assert.Equal(["three <dots>"], Names(page)), Wait);
        Assert.Empty(page.FindAll(".vwb-upload-item, #upload-error"));
        var stored = await RunAsync<DatasetService, DatasetListPage>(s => s.PageAsync(user.UserId, user.TeamId, new DatasetListQuery(0, 10)));
        Assert.Equal(3, Assert.Single(stored.Items).ImageCount);
    }

    [Fact]
    public async Task A_failed_upload_can_be_tried_again_or_removed_in_one_click()
    {
        var user = await SignInAsync(TeamRole.Editor);
        var page = Render<DatasetsPage>();
        Choose(page, ("broken.png", [1, 2, 3, 4]));
        page.Find("#start-upload").Click();
        page.WaitForAssertion(() => Assert.Contains("None of the uploaded files could be imported", page.Find("#upload-error").TextContent), Wait);

        // Trying again sends the same files again: the same refusal, and still no dataset left behind.
        page.Find("#retry-upload").Click();
        page.WaitForAssertion(() => Assert.Contains("None of the uploaded files could be imported", page.Find("#upload-error").TextContent), Wait);
        var stored = await RunAsync<DatasetService, DatasetListPage>(s => s.PageAsync(user.UserId, user.TeamId, new DatasetListQuery(0, 10)));
        Assert.Empty(stored.Items);

        page.Find("#clear-upload").Click();
        page.WaitForAssertion(() => Assert.Empty(page.FindAll("#upload-error, .vwb-upload-item")), Wait);
        Assert.True(page.Find("#start-upload").HasAttribute("disabled"));
    }

    [Fact]
    public async Task A_failed_import_stays_on_the_page_until_dismissed()
    {
        await SignInAsync(TeamRole.Editor);
        var page = Render<DatasetsPage>();
        Choose(page, ("broken.png", [1, 2, 3, 4]));

        page.Find("#start-upload").Click();

        page.WaitForAssertion(() => Assert.Contains("None of the uploaded files could be imported", page.Find("#upload-error").TextContent), Wait);
        Assert.Equal("The import did not finish; see the message.", page.Find("#upload-status").TextContent);
        Assert.Empty(page.FindAll("#import-summary"));
        page.Find("#upload-error .mud-alert-close button").Click();
        page.WaitForAssertion(() => Assert.Empty(page.FindAll("#upload-error")), Wait);
    }

    [Fact]
    public async Task An_editor_renames_and_deletes_a_dataset_in_the_list()
    {
        var user = await SignInAsync(TeamRole.Editor);
        await AddReadyDatasetAsync(user, "digits");
        var page = Render<DatasetsPage>();
        page.WaitForAssertion(() => Assert.Equal(["digits"], Names(page)), Wait);

        page.Find(".dataset-rename").Click();
        page.Find(".dataset-rename-box input").Input("handwritten digits");
        page.Find(".dataset-rename-save").Click();
        page.WaitForAssertion(() => Assert.Equal(["handwritten digits"], Names(page)), Wait);

        page.Find(".dataset-delete").Click();
        page.Find(".dataset-delete-confirm").Click();
        page.WaitForAssertion(() => Assert.NotNull(page.Find("#no-datasets")), Wait);
        Assert.Contains(Services.GetRequiredService<ISnackbar>().ShownSnackbars, s => s.Message == "handwritten digits was deleted.");
    }

    internal static List<string> Names(IRenderedComponent<DatasetsPage> page) =>
        [.. page.FindAll("#datasets-grid .dataset-link").Select(a => a.TextContent)];

    internal static void Choose(IRenderedComponent<DatasetsPage> page, params (string Name, byte[] Bytes)[] files) =>
        page.FindComponent<InputFile>().UploadFiles([.. files.Select(f => InputFileContent.CreateFromBinary(f.Bytes, f.Name))]);

    internal static byte[] Png(int seed)
    {
        var pixels = new byte[8 * 8];
        new Random(seed).NextBytes(pixels);
        return PngEncoder.Encode(new Image(8, 8, 1, pixels));
    }
}
