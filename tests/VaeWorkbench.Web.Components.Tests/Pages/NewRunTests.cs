using Microsoft.EntityFrameworkCore;
using MudBlazor;
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
        var provider = Render<MudPopoverProvider>();
        var page = Render<NewRun>();

        MudSelectChoice.Choose(page, provider, "#run-dataset", "fashion");
        page.Find("#run-epochs input").Change("3");
        page.Find("#run-widths input").Change("256, 64");
        page.Find("form").Submit();

        // The submit is asynchronous: the page opens the run once it is stored.
        page.WaitForAssertion(() => Assert.Contains("/runs/", Navigation.Uri), TimeSpan.FromSeconds(10));
        var run = Assert.Single(await QueryAsync(db => db.TrainingRuns.ToListAsync()));
        Assert.Equal((RunStatus.Queued, fashion, 3, user.UserId), (run.Status, run.DatasetId, run.Epochs, run.CreatedByUserId));
        Assert.Contains("\"hidden\":[256,64]", run.SettingsJson);
        Assert.EndsWith($"/runs/{run.Id}", Navigation.Uri);
    }

    [Fact]
    public async Task Choosing_conv_relabels_the_widths_and_submits_them_as_channel_widths()
    {
        var user = await SignInAsync(TeamRole.Editor);
        await AddReadyDatasetAsync(user);
        var provider = Render<MudPopoverProvider>();
        var page = Render<NewRun>();
        Assert.Equal("Hidden widths", page.Find("#run-widths label").TextContent);

        MudSelectChoice.Choose(page, provider, "#run-arch", "conv");
        page.Find("#run-widths input").Change("16, 32");
        page.Find("form").Submit();

        Assert.Equal("Conv channel widths", page.Find("#run-widths label").TextContent);
        page.WaitForAssertion(() => Assert.Contains("/runs/", Navigation.Uri), TimeSpan.FromSeconds(10));
        var run = Assert.Single(await QueryAsync(db => db.TrainingRuns.ToListAsync()));
        Assert.Contains("\"arch\":\"conv\"", run.SettingsJson);
        Assert.Contains("\"widths\":[16,32]", run.SettingsJson);
    }

    [Fact]
    public async Task Submitting_twice_queues_one_run()
    {
        var user = await SignInAsync(TeamRole.Editor);
        await AddReadyDatasetAsync(user);
        var page = Render<NewRun>();

        page.Find("form").Submit();
        page.Find("form").Submit();

        page.WaitForAssertion(() => Assert.Contains("/runs/", Navigation.Uri), TimeSpan.FromSeconds(10));
        Assert.Equal(1, await QueryAsync(db => db.TrainingRuns.CountAsync()));
    }

    [Fact]
    public async Task Widths_that_are_not_whole_numbers_are_named_at_the_field_and_queue_nothing()
    {
        var user = await SignInAsync(TeamRole.Editor);
        await AddReadyDatasetAsync(user);
        var page = Render<NewRun>();

        page.Find("#run-widths input").Change("32, abc");
        page.Find("form").Submit();

        page.WaitForAssertion(() => Assert.Contains("'abc' in the widths is not a whole number", page.Find("#run-widths .mud-input-error").TextContent));
        Assert.Equal("true", page.Find("#run-widths input").GetAttribute("aria-invalid"));
        Assert.Empty(page.FindAll("#run-form-error"));
        Assert.Equal(0, await QueryAsync(db => db.TrainingRuns.CountAsync()));

        page.Find("#run-widths input").Change("32, 16");
        page.WaitForAssertion(() => Assert.Empty(page.FindAll("#run-widths .mud-input-error")));
    }

    [Fact]
    public async Task Out_of_range_settings_are_refused_at_the_field_with_start_disabled_and_nothing_queued()
    {
        var user = await SignInAsync(TeamRole.Editor);
        await AddReadyDatasetAsync(user);
        var page = Render<NewRun>();

        page.Find("#run-widths input").Change("400,0");
        page.Find("#run-epochs input").Change("0");
        page.Find("#run-lr input").Change("50");
        page.Find("form").Submit();

        page.WaitForAssertion(() => Assert.Contains("Each width must be between 1 and 4096 (got 0).", page.Find("#run-widths").TextContent));
        // The same words as the API's errors and the CLI's refusal, at each field; nothing is clamped into range.
        Assert.Contains("Must be between 1 and 100000 (got 0).", page.Find("#run-epochs").TextContent);
        Assert.Contains("Must be greater than 0 and at most 1 (got 50).", page.Find("#run-lr").TextContent);
        Assert.Equal("0", page.Find("#run-epochs input").GetAttribute("value"));
        Assert.True(page.Find("#start-run").HasAttribute("disabled"));
        Assert.Equal(0, await QueryAsync(db => db.TrainingRuns.CountAsync()));

        // Corrected, the button is live again.
        page.Find("#run-widths input").Change("400");
        page.Find("#run-epochs input").Change("3");
        page.Find("#run-lr input").Change("0.001");
        page.WaitForAssertion(() => Assert.False(page.Find("#start-run").HasAttribute("disabled")));
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
        var link = page.Find("#upload-dataset-link");
        Assert.Equal("datasets", link.GetAttribute("href"));
        Assert.Contains("Datasets page", link.TextContent);
        Assert.Empty(page.FindAll("form"));
    }
}
