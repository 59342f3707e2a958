using VaeWorkbench.Web.Components.Pages.Models;
using VaeWorkbench.Web.Runs;

namespace VaeWorkbench.Web.Components.Tests.Models;

public sealed class ModelListTests : WorkbenchTestContext
{
    [Fact]
    public async Task The_grid_lists_the_newest_model_first_and_the_search_filters_on_the_server()
    {
        var user = await SignInAsync(TeamRole.Viewer);
        var now = DateTimeOffset.UtcNow;
        await this.AddModelWithFileAsync(user, "digits", "mlp", createdAt: now.AddHours(-2));
        await this.AddModelWithFileAsync(user, "fashion", "conv", createdAt: now.AddHours(-1));
        await this.AddModelWithFileAsync(user, "letters", "mlp", createdAt: now);

        var page = Render<ModelList>();

        page.WaitForAssertion(() => Assert.Equal(["letters", "fashion", "digits"], DatasetColumn(page)));
        Assert.Contains("Conv, latent 20", page.Find("#models-grid").TextContent);
        page.Find("#models-search").Input("conv");
        page.WaitForAssertion(() => Assert.Equal(["fashion"], DatasetColumn(page)), TimeSpan.FromSeconds(5));
        page.Find("#models-search").Input("zzz");
        page.WaitForAssertion(() => Assert.Contains("No trained model matches the search.", page.Find("#models-grid").TextContent), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Sorting_a_column_asks_the_server_for_that_order()
    {
        var user = await SignInAsync(TeamRole.Viewer);
        await this.AddModelWithFileAsync(user, "a-high", valLoss: 300);
        await this.AddModelWithFileAsync(user, "b-low", valLoss: 100);
        await this.AddModelWithFileAsync(user, "c-mid", valLoss: 200);
        var page = Render<ModelList>();
        page.WaitForAssertion(() => Assert.Equal(3, DatasetColumn(page).Count));

        page.FindAll("#models-grid th").Single(th => th.TextContent.Contains("Val loss")).QuerySelector(".sort-direction-icon")!.Click();

        page.WaitForAssertion(() => Assert.Equal(["b-low", "c-mid", "a-high"], DatasetColumn(page)));
    }

    [Fact]
    public async Task The_query_layer_pages_sorts_by_metrics_and_counts_every_match()
    {
        var user = await SignInAsync(TeamRole.Viewer);
        for (var i = 0; i < 7; i++) await this.AddModelWithFileAsync(user, $"set{i}", i % 2 == 0 ? "mlp" : "conv", valLoss: i == 3 ? null : 100 + i);

        var byLoss = await RunAsync<ModelService, ModelPage>(s => s.PageAsync(user.UserId, user.TeamId, new ModelQuery(0, 3, Sort: ModelSort.ValidationLoss, Descending: false)));
        var second = await RunAsync<ModelService, ModelPage>(s => s.PageAsync(user.UserId, user.TeamId, new ModelQuery(3, 3, Sort: ModelSort.ValidationLoss, Descending: false)));
        var last = await RunAsync<ModelService, ModelPage>(s => s.PageAsync(user.UserId, user.TeamId, new ModelQuery(6, 3, Sort: ModelSort.ValidationLoss, Descending: false)));
        var conv = await RunAsync<ModelService, ModelPage>(s => s.PageAsync(user.UserId, user.TeamId, new ModelQuery(0, 10, Architecture: "conv")));

        Assert.Equal(7, byLoss.Total);
        Assert.Equal(["set0", "set1", "set2"], byLoss.Items.Select(m => m.DatasetName));
        Assert.Equal(["set4", "set5", "set6"], second.Items.Select(m => m.DatasetName));
        Assert.Equal(["set3"], last.Items.Select(m => m.DatasetName)); // no validation loss: last
        Assert.Equal(3, conv.Total);
        Assert.All(conv.Items, m => Assert.Equal("conv", m.Config.GetProperty("architecture").GetString()));
    }

    private static List<string> DatasetColumn(IRenderedComponent<ModelList> page) =>
        [.. page.FindAll("#models-grid tbody tr td:first-child a").Select(a => a.TextContent.Trim())];
}
