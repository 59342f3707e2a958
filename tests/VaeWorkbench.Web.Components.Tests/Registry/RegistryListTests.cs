using MudBlazor;
using VaeWorkbench.Web.Components.Registry;

namespace VaeWorkbench.Web.Components.Tests.Registry;

/// <summary>The registry grid: the server filters, sorts and pages; the grid shows what it gets.</summary>
public sealed class RegistryListTests : WorkbenchTestContext
{
    [Fact]
    public async Task Searching_shows_only_the_models_whose_name_or_tags_match()
    {
        var user = await SignInAsync(TeamRole.Viewer);
        await this.AddVersionAsync(user, "fashion-conv", tags: ["clothes"]);
        await this.AddVersionAsync(user, "digits-mlp", tags: ["mnist"]);
        await this.AddVersionAsync(user, "shirts", tags: ["fashion"]);
        Render<MudPopoverProvider>();
        var list = Render<RegistryList>();
        await list.WaitForAssertionAsync(() => Assert.Equal(["digits-mlp", "fashion-conv", "shirts"], Names(list)));

        list.Find("#registry-search").Input("FASHION");
        list.Find("#registry-search-button").Click();

        await list.WaitForAssertionAsync(() => Assert.Equal(["fashion-conv", "shirts"], Names(list)));

        list.Find("#registry-search").Input("nothing-like-it");
        list.Find("#registry-search-button").Click();

        await list.WaitForAssertionAsync(() => Assert.Empty(Names(list)));
        Assert.Contains("No model's name, notes or tags contain “nothing-like-it”.", list.Find("#registry-grid").TextContent);
    }

    [Fact]
    public async Task The_grid_pages_through_the_servers_pages_and_counts_every_match()
    {
        var user = await SignInAsync(TeamRole.Viewer);
        for (var i = 1; i <= 23; i++) await this.AddVersionAsync(user, $"model-{i:00}");
        Render<MudPopoverProvider>();
        var list = Render<RegistryList>();

        await list.WaitForAssertionAsync(() => Assert.Equal(20, Names(list).Count));
        Assert.Equal("model-01", Names(list)[0]);
        Assert.Contains("1-20 of 23", list.Find("#registry-grid .mud-table-pagination").TextContent.Replace("–", "-"));

        list.Find("#registry-grid button[aria-label='Next page']").Click();

        await list.WaitForAssertionAsync(() => Assert.Equal(["model-21", "model-22", "model-23"], Names(list)));
    }

    [Fact]
    public async Task Sorting_by_name_descending_is_done_by_the_server()
    {
        var user = await SignInAsync(TeamRole.Viewer);
        foreach (var name in new[] { "b-model", "a-model", "c-model" }) await this.AddVersionAsync(user, name);
        Render<MudPopoverProvider>();
        var list = Render<RegistryList>();
        await list.WaitForAssertionAsync(() => Assert.Equal(["a-model", "b-model", "c-model"], Names(list)));

        SortHeader(list, "Name").Click();
        SortHeader(list, "Name").Click();

        await list.WaitForAssertionAsync(() => Assert.Equal(["c-model", "b-model", "a-model"], Names(list)));
    }

    private static AngleSharp.Dom.IElement SortHeader(IRenderedComponent<RegistryList> list, string title) =>
        list.FindAll("#registry-grid th .sortable-column-header").Single(h => h.TextContent.Trim() == title);

    private static List<string> Names(IRenderedComponent<RegistryList> list) =>
        list.FindAll("#registry-grid tbody tr.mud-table-row td:first-child a").Select(a => a.TextContent.Trim()).ToList();
}
