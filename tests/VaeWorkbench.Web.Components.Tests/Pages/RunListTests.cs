using VaeWorkbench.Web.Components.Pages.Runs;

namespace VaeWorkbench.Web.Components.Tests.Pages;

public sealed class RunListTests : WorkbenchTestContext
{
    [Fact]
    public async Task Selecting_two_runs_enables_compare_which_opens_the_comparison_of_those_runs()
    {
        var user = await SignInAsync(TeamRole.Viewer);
        var dataset = await AddReadyDatasetAsync(user);
        var runs = new[] { await QueueRunAsync(user, dataset), await QueueRunAsync(user, dataset), await QueueRunAsync(user, dataset) };
        var page = Render<RunList>();
        Assert.Equal(3, page.FindAll("#runs-grid tr.rz-data-row").Count);

        page.FindAll("#runs-grid [role=checkbox]")[0].Click();
        Assert.True(page.Find("#compare-runs").HasAttribute("disabled"));
        page.FindAll("#runs-grid [role=checkbox]")[2].Click();
        Assert.Contains("Compare selected (2)", page.Find("#compare-runs").TextContent);
        page.Find("#compare-runs").Click();

        // Newest first: the first row is the last run queued.
        Assert.EndsWith($"/runs/compare?ids={runs[2].Id},{runs[0].Id}", Navigation.Uri);
    }

    [Fact]
    public async Task Only_editors_are_offered_a_new_run()
    {
        await SignInAsync(TeamRole.Viewer);

        var page = Render<RunList>();

        Assert.Empty(page.FindAll("#new-run"));
        Assert.Contains("No runs yet.", page.Find("#runs-grid").TextContent);
    }

    [Fact]
    public async Task An_editors_new_run_button_opens_the_new_run_form()
    {
        await SignInAsync(TeamRole.Editor);
        var page = Render<RunList>();

        page.Find("#new-run").Click();

        Assert.EndsWith("/runs/new", Navigation.Uri);
    }
}
