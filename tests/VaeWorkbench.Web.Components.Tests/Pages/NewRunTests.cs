using Microsoft.EntityFrameworkCore;
using VaeWorkbench.Web.Components.Pages.Runs;

namespace VaeWorkbench.Web.Components.Tests.Pages;

public sealed class NewRunTests : WorkbenchTestContext
{
    [Fact]
    public async Task Submitting_the_form_queues_one_run_with_the_chosen_settings_and_opens_it()
    {
        var user = await SignInAsync(TeamRole.Editor);
        await AddReadyDatasetAsync(user, "digits");
        var fashion = await AddReadyDatasetAsync(user, "fashion");
        var page = Render<NewRun>();

        page.Find("li[aria-label^=fashion]").Click();
        page.Find("#run-epochs input").Change("3");
        page.Find("#run-widths").Change("256, 64");
        page.Find("form").Submit();

        var run = Assert.Single(await QueryAsync(db => db.TrainingRuns.ToListAsync()));
        Assert.Equal((RunStatus.Queued, fashion, 3, user.UserId), (run.Status, run.DatasetId, run.Epochs, run.CreatedByUserId));
        Assert.Contains("\"hidden\":[256,64]", run.SettingsJson);
        Assert.EndsWith($"/runs/{run.Id}", Navigation.Uri);
    }

    [Fact]
    public async Task Submitting_twice_queues_one_run()
    {
        var user = await SignInAsync(TeamRole.Editor);
        await AddReadyDatasetAsync(user);
        var page = Render<NewRun>();

        page.Find("form").Submit();
        page.Find("form").Submit();

        Assert.Equal(1, await QueryAsync(db => db.TrainingRuns.CountAsync()));
    }

    [Theory]
    [InlineData("32, abc", "'abc' in the widths is not a whole number")]
    [InlineData("0", "MLP hidden sizes must be between 1 and 65536")]
    public async Task Invalid_settings_show_why_and_queue_nothing(string widths, string message)
    {
        var user = await SignInAsync(TeamRole.Editor);
        await AddReadyDatasetAsync(user);
        var page = Render<NewRun>();

        page.Find("#run-widths").Change(widths);
        page.Find("form").Submit();

        page.WaitForAssertion(() => Assert.Contains(message, page.Find("#run-form-error").TextContent));
        Assert.Equal(0, await QueryAsync(db => db.TrainingRuns.CountAsync()));
        // The button is live again for a corrected submission.
        Assert.False(page.Find("#start-run").HasAttribute("disabled"));
        Assert.DoesNotContain("runs/", Navigation.Uri);
    }

    [Fact]
    public async Task The_estimate_appears_after_timing_real_training_steps()
    {
        var user = await SignInAsync(TeamRole.Editor);
        await AddReadyDatasetAsync(user);

        var page = Render<NewRun>();

        page.WaitForAssertion(() => Assert.Matches(@"^Estimated .+ per epoch on this server \(20-d latent", page.Find("#run-estimate").TextContent),
            TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task A_viewer_is_told_they_cannot_start_runs_and_gets_no_form()
    {
        var user = await SignInAsync(TeamRole.Viewer);
        await AddReadyDatasetAsync(user);

        var page = Render<NewRun>();

        Assert.Contains("You are a Viewer in this team", page.Markup);
        Assert.Empty(page.FindAll("form"));
    }

    [Fact]
    public async Task Without_a_ready_dataset_the_page_points_to_the_upload()
    {
        await SignInAsync(TeamRole.Editor);

        var page = Render<NewRun>();

        Assert.Contains("This team has no ready dataset yet.", page.Markup);
        Assert.Equal("datasets", page.Find(".rz-link").GetAttribute("href"));
        Assert.Empty(page.FindAll("form"));
    }
}
