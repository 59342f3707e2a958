using MudBlazor;
using VaeWorkbench.Web.Components.Pages.Runs;
using VaeWorkbench.Web.Runs;

namespace VaeWorkbench.Web.Components.Tests.Pages;

public sealed class RunListTests : WorkbenchTestContext
{
    private const string Rows = "#runs-grid tbody tr.mud-table-row";

    [Fact]
    public async Task Selecting_two_runs_enables_compare_which_opens_the_comparison_of_those_runs()
    {
        var user = await SignInAsync(TeamRole.Viewer);
        var dataset = await AddReadyDatasetAsync(user);
        var runs = new[] { await QueueRunAsync(user, dataset), await QueueRunAsync(user, dataset), await QueueRunAsync(user, dataset) };
        var page = Render<RunList>();
        page.WaitForAssertion(() => Assert.Equal(3, page.FindAll(Rows).Count));

        page.FindAll($"{Rows} input[type=checkbox]")[0].Change(true);
        Assert.True(page.Find("#compare-runs").HasAttribute("disabled"));
        page.FindAll($"{Rows} input[type=checkbox]")[2].Change(true);
        Assert.Contains("Compare selected (2)", page.Find("#compare-runs").TextContent);
        page.Find("#compare-runs").Click();

        // Newest first: the first row is the last run queued. MudButton runs its click handler asynchronously.
        page.WaitForAssertion(() => Assert.EndsWith($"/runs/compare?ids={runs[2].Id},{runs[0].Id}", Navigation.Uri));
    }

    [Fact]
    public async Task Only_editors_are_offered_a_new_run()
    {
        await SignInAsync(TeamRole.Viewer);

        var page = Render<RunList>();

        Assert.Empty(page.FindAll("#new-run"));
        page.WaitForAssertion(() => Assert.Contains("No runs yet.", page.Find("#runs-grid").TextContent));
    }

    [Fact]
    public async Task An_editors_new_run_button_links_to_the_new_run_form()
    {
        await SignInAsync(TeamRole.Editor);
        var page = Render<RunList>();

        Assert.Equal("runs/new", page.Find("#new-run").GetAttribute("href"));
        Assert.Contains("New run", page.Find("#new-run").TextContent);
    }

    [Fact]
    public async Task Each_link_says_where_it_goes_the_run_or_its_dataset()
    {
        var user = await SignInAsync(TeamRole.Viewer);
        var dataset = await AddReadyDatasetAsync(user, "fashion");
        var run = await QueueRunAsync(user, dataset);
        var page = Render<RunList>();

        page.WaitForAssertion(() => Assert.Single(page.FindAll(Rows)));
        var runLink = page.Find($"{Rows} a[href='runs/{run.Id}']");
        // The run's readable name is the link; what it is (architecture, when) is the caption under it.
        Assert.Equal(run.Name, runLink.TextContent.Trim());
        Assert.Matches("^[a-z]+-[a-z]+-1$", run.Name);
        var datasetLink = page.Find($"{Rows} a[href='datasets/{dataset}']");
        Assert.Equal("fashion", datasetLink.TextContent.Trim());
        Assert.Equal("Dataset fashion", datasetLink.GetAttribute("aria-label"));
    }

    [Fact]
    public async Task The_grid_shows_twenty_runs_a_page_and_pages_on_to_the_rest()
    {
        var user = await SignInAsync(TeamRole.Viewer);
        var dataset = await AddReadyDatasetAsync(user);
        for (var i = 0; i < 23; i++) await QueueRunAsync(user, dataset);
        var page = Render<RunList>();

        page.WaitForAssertion(() => Assert.Equal(20, page.FindAll(Rows).Count));
        Assert.Contains("1-20 of 23", page.Find("#runs-grid .mud-table-pagination").TextContent);

        page.Find("#runs-grid button[aria-label='Next page']").Click();

        page.WaitForAssertion(() => Assert.Equal(3, page.FindAll(Rows).Count));
        Assert.Contains("21-23 of 23", page.Find("#runs-grid .mud-table-pagination").TextContent);
    }

    [Fact]
    public async Task Filters_narrow_the_runs_by_status_dataset_and_text_in_the_database()
    {
        var user = await SignInAsync(TeamRole.Editor);
        var digits = await AddReadyDatasetAsync(user, "digits");
        var fashion = await AddReadyDatasetAsync(user, "fashion");
        await QueueRunAsync(user, digits);
        await QueueRunAsync(user, digits);
        var cancelled = await QueueRunAsync(user, fashion);
        await QueueRunAsync(user, fashion);
        await RunAsync<RunService, RunSummary>(s => s.CancelAsync(user.OwnerId, cancelled.Id));
        var provider = Render<MudPopoverProvider>();
        var page = Render<RunList>();
        page.WaitForAssertion(() => Assert.Equal(4, page.FindAll(Rows).Count));

        MudSelectChoice.Choose(page, provider, "#runs-dataset-filter", "fashion");
        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll(Rows).Count));
        Assert.All(page.FindAll($"{Rows} a[href^='datasets/']"), a => Assert.Equal("fashion", a.TextContent.Trim()));

        MudSelectChoice.Choose(page, provider, "#runs-status-filter", "Cancelled");
        page.WaitForAssertion(() => Assert.Single(page.FindAll(Rows)));
        Assert.NotNull(page.Find($"{Rows} a[href='runs/{cancelled.Id}']"));

        MudSelectChoice.Choose(page, provider, "#runs-dataset-filter", "Any dataset");
        MudSelectChoice.Choose(page, provider, "#runs-status-filter", "Any status");
        page.WaitForAssertion(() => Assert.Equal(4, page.FindAll(Rows).Count));

        page.Find("#runs-search input").Input("DIG");
        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll(Rows).Count), TimeSpan.FromSeconds(5));
        Assert.All(page.FindAll($"{Rows} a[href^='datasets/']"), a => Assert.Equal("digits", a.TextContent.Trim()));

        page.Find("#runs-search input").Input("no such run");
        page.WaitForAssertion(() => Assert.Contains("No runs match these filters.", page.Find("#runs-grid").TextContent), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Sorting_by_dataset_orders_the_page_in_the_database()
    {
        var user = await SignInAsync(TeamRole.Viewer);
        foreach (var name in new[] { "beta", "alpha", "gamma" }) await QueueRunAsync(user, await AddReadyDatasetAsync(user, name));
        var page = Render<RunList>();
        page.WaitForAssertion(() => Assert.Equal(3, page.FindAll(Rows).Count));
        Assert.Equal(["gamma", "alpha", "beta"], DatasetColumn(page)); // newest first

        page.FindAll("#runs-grid th").First(th => th.TextContent.Contains("Dataset")).QuerySelector(".sortable-column-header")!.Click();

        page.WaitForAssertion(() => Assert.Equal(["alpha", "beta", "gamma"], DatasetColumn(page)));
    }

    [Fact]
    public async Task A_page_of_runs_from_the_service_counts_every_match_and_returns_only_the_page()
    {
        var user = await SignInAsync(TeamRole.Viewer);
        var digits = await AddReadyDatasetAsync(user, "digits");
        var fashion = await AddReadyDatasetAsync(user, "fashion");
        for (var i = 0; i < 5; i++) await QueueRunAsync(user, digits);
        await QueueRunAsync(user, fashion);

        var page = await RunAsync<RunService, RunPage>(s => s.PageAsync(user.UserId, user.TeamId, new RunQuery(Skip: 2, Take: 2, Text: "git")));
        var everything = await RunAsync<RunService, RunPage>(s => s.PageAsync(user.UserId, user.TeamId, new RunQuery(Take: 50, Text: "mlp")));
        var byEpochs = await RunAsync<RunService, RunPage>(s => s.PageAsync(user.UserId, user.TeamId,
            new RunQuery(Take: 50, Sort: RunSort.Dataset, Descending: false, DatasetId: fashion)));

        Assert.Equal(5, page.TotalCount);
        Assert.Equal(2, page.Items.Count);
        Assert.All(page.Items, r => Assert.Equal("digits", r.DatasetName));
        Assert.Equal(6, everything.TotalCount);
        Assert.Equal("fashion", Assert.Single(byEpochs.Items).DatasetName);
    }

    private static List<string> DatasetColumn(IRenderedComponent<RunList> page) =>
        [.. page.FindAll($"{Rows} a[href^='datasets/']").Select(a => a.TextContent.Trim())];
}
