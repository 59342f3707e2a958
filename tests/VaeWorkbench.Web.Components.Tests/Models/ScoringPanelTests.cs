using VaeWorkbench.Web.Components.ModelViews;

namespace VaeWorkbench.Web.Components.Tests.Models;

public sealed class ScoringPanelTests : WorkbenchTestContext
{
    // Three shirts (class 0) scored low, three trousers (class 1) scored high: with shirts normal the score ranks perfectly.
    private static readonly int?[] Labels = [0, 0, 0, 1, 1, 1];

    private async Task<(IRenderedComponent<ScoringPanel> Panel, Guid JobId)> RenderWithJobAsync(TeamRole role, int[]? normal = null)
    {
        var user = await SignInAsync(role);
        var (modelId, _, datasetId) = await this.AddModelWithFileAsync(user, classNames: ["Shirt", "Trouser"]);
        var jobId = await this.AddScoreJobAsync(user, modelId, datasetId, Labels, normalClasses: normal);
        var panel = Render<ScoringPanel>(p => p.Add(c => c.ModelId, modelId).Add(c => c.TrainingDatasetId, datasetId));
        panel.WaitForElement("#score-result");
        return (panel, jobId);
    }

    [Fact]
    public async Task Without_normal_classes_the_one_class_view_asks_for_them_instead_of_showing_an_auroc()
    {
        var (panel, _) = await RenderWithJobAsync(TeamRole.Viewer);

        Assert.Equal("—, choose the normal classes first", panel.Find("#auroc").TextContent);
        Assert.Equal("—", panel.Find("#average-precision").TextContent);
        Assert.DoesNotContain("0.000", panel.Find("#ranking-metrics").TextContent);
        Assert.Empty(panel.FindAll("#roc-chart"));
    }

    [Fact]
    public async Task Ticking_the_normal_classes_gives_auroc_the_roc_curve_and_the_comparison()
    {
        var (panel, _) = await RenderWithJobAsync(TeamRole.Viewer);

        panel.FindAll("#normal-classes input[type=checkbox]")[0].Change(true);

        panel.WaitForAssertion(() => Assert.Equal("1.000", panel.Find("#auroc").TextContent));
        Assert.Equal("1.000", panel.Find("#average-precision").TextContent);
        Assert.NotEmpty(panel.FindAll("#roc-chart svg path"));
        Assert.Contains("latent", panel.Find("#method-comparison").TextContent);
    }

    [Fact]
    public async Task Every_class_normal_says_what_is_missing_instead_of_an_auroc()
    {
        var (panel, _) = await RenderWithJobAsync(TeamRole.Viewer, normal: [0, 1]);

        Assert.StartsWith("—, every labelled image is in a normal class", panel.Find("#auroc").TextContent);
    }

    [Fact]
    public async Task Typing_a_threshold_updates_the_flagged_count_at_once_and_an_editor_saves_it_on_leaving_the_field()
    {
        var (panel, jobId) = await RenderWithJobAsync(TeamRole.Editor);
        // The job's rule: 90th percentile of 0..5 = 4.5, so only the 5 is flagged.
        Assert.Equal("1", panel.Find("#flagged-count").TextContent);

        var input = panel.Find("#threshold-value");
        input.Input("40");
        panel.WaitForAssertion(() => Assert.Equal("3", panel.Find("#flagged-count").TextContent));
        Assert.Equal(90, await QueryAsync(async db => (await db.ScoreJobs.FindAsync(jobId))!.ThresholdValue));

        panel.Find("#threshold-value").Blur();
        await WaitUntilAsync(async () => await QueryAsync(async db => (await db.ScoreJobs.FindAsync(jobId))!.ThresholdValue) == 40);
    }

    [Fact]
    public void The_histogram_splits_each_bin_into_kept_and_flagged_images()
    {
        var split = ScoreAnalysis.Split([0, 1, 2, 3, 4, 5], threshold: 3.5);

        Assert.Equal(ScoreAnalysis.Bins, split.Labels.Length);
        Assert.Equal(4, split.Kept.Sum());
        Assert.Equal(2, split.Flagged.Sum());
        Assert.Equal(6, ScoreAnalysis.Split([0, 1, 2, 3, 4, 5], threshold: null).Kept.Sum());
    }

    [Fact]
    public void The_roc_curve_on_its_grid_is_the_best_rate_reached_at_each_false_positive_rate_in_percent()
    {
        var grid = ScoreAnalysis.OnGrid([new(0, 0), new(0, 0.5), new(0.5, 0.5), new(0.5, 1), new(1, 1)]);

        Assert.Equal(ScoreAnalysis.RocGrid, grid.Values.Length);
        Assert.Equal(50, grid.Values[0]);
        Assert.Equal(50, grid.Values[24]);
        Assert.Equal(100, grid.Values[25]);
        Assert.Equal("50", grid.Labels[25]);
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        for (var i = 0; i < 100; i++)
        {
            if (await condition()) return;
            await Task.Delay(50);
        }
        Assert.Fail("the condition did not become true within 5 s");
    }
}
