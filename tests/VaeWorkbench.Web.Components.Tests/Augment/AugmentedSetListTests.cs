using VaeWorkbench.Web.Components.Pages.Augment;

namespace VaeWorkbench.Web.Components.Tests.Augment;

public sealed class AugmentedSetListTests : WorkbenchTestContext
{
    [Fact]
    public async Task The_grid_shows_ten_sets_a_page_newest_first_and_pages_on_the_server()
    {
        var user = await SignInAsync(TeamRole.Viewer);
        var (model, dataset) = await AddTrainedModelAsync(user, "digits");
        for (var i = 0; i < 12; i++) await AddAugmentedSetAsync(user, model, dataset, kept: 100 + i, seed: i, minutesAgo: i);

        var page = Render<AugmentedSetList>();

        page.WaitForAssertion(() => Assert.Equal(10, page.FindAll("#augmented-grid tbody tr.mud-table-row").Count));
        Assert.Contains("1-10 of 12", string.Concat(page.FindAll("#augmented-grid .mud-table-pagination-caption").Select(c => c.TextContent)));
        Assert.Contains("100 kept of 100 generated", page.FindAll("#augmented-grid tbody tr.mud-table-row")[0].TextContent);
        Assert.Contains("From the prior", page.Find("#augmented-grid tbody").TextContent);

        page.Find("#augmented-grid button[aria-label='Next page']").Click();

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("#augmented-grid tbody tr.mud-table-row").Count));
        Assert.Contains("111 kept of 111 generated", page.FindAll("#augmented-grid tbody tr.mud-table-row")[^1].TextContent);
    }

    [Fact]
    public async Task Search_filters_on_the_server_by_the_source_dataset_and_says_when_nothing_matches()
    {
        var user = await SignInAsync(TeamRole.Editor);
        var (digits, digitsSet) = await AddTrainedModelAsync(user, "digits");
        var (fashion, fashionSet) = await AddTrainedModelAsync(user, "fashion");
        for (var i = 0; i < 3; i++) await AddAugmentedSetAsync(user, digits, digitsSet, seed: i);
        await AddAugmentedSetAsync(user, fashion, fashionSet, seed: 7);
        var page = Render<AugmentedSetList>();
        page.WaitForAssertion(() => Assert.Equal(4, page.FindAll("#augmented-grid tbody tr.mud-table-row").Count));

        // Found and triggered in one dispatch: the field re-renders as the grid reloads, which renews its handlers.
        await page.InvokeAsync(() => page.Find("#set-search input").Input("FASH"));
        await page.InvokeAsync(() => page.Find("#set-search input").Blur());

        page.WaitForAssertion(() => Assert.Single(page.FindAll("#augmented-grid tbody tr.mud-table-row")), TimeSpan.FromSeconds(30));
        Assert.Contains("fashion", page.Find("#augmented-grid tbody").TextContent);

        // Found and triggered in one dispatch: the field re-renders as the grid reloads, which renews its handlers.
        await page.InvokeAsync(() => page.Find("#set-search input").Input("no such dataset"));
        await page.InvokeAsync(() => page.Find("#set-search input").Blur());

        page.WaitForAssertion(() => Assert.Equal("No set matches these filters.", page.Find("#augmented-empty").TextContent), TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task A_team_without_sets_is_told_so_and_the_page_keeps_its_heading()
    {
        await SignInAsync(TeamRole.Viewer);

        var page = Render<AugmentedSetList>();

        page.WaitForAssertion(() => Assert.Equal("No augmented sets yet in Vision lab.", page.Find("#augmented-empty").TextContent));
        Assert.Equal("Augmented sets", page.Find("h1").TextContent);
    }

    [Theory]
    [InlineData("Provenance.DatasetName", "dataset")]
    [InlineData("DatasetName", "dataset")]
    [InlineData("Provenance.Kept", "kept")]
    [InlineData("Status", "status")]
    [InlineData("Provenance.CreatedAt", "created")]
    [InlineData(null, null)]
    public void Grid_columns_map_to_the_query_layers_sort_keys(string? column, string? key) =>
        Assert.Equal(key, AugmentedSetList.SortKey(column));
}
