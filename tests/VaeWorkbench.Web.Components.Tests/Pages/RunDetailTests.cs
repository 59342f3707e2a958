using VaeWorkbench.Web.Components.Pages.Runs;

namespace VaeWorkbench.Web.Components.Tests.Pages;

public sealed class RunDetailTests : WorkbenchTestContext
{
    private Task AddEpochsAsync(Guid runId, int count) => QueryAsync(async db =>
    {
        for (var e = 1; e <= count; e++)
            db.RunEpochs.Add(new RunEpoch
            {
                RunId = runId, Epoch = e, TrainLoss = 300.0 / e, TrainRecon = 280.0 / e, TrainKl = 20 + e,
                ValLoss = 310.0 / e, ValRecon = 288.0 / e, ValKl = 22 + e, Seconds = 1, ImagesPerSecond = 400,
            });
        return await db.SaveChangesAsync();
    });

    [Fact]
    public async Task After_one_epoch_each_chart_shows_its_points_and_KL_has_a_chart_of_its_own()
    {
        var user = await SignInAsync(TeamRole.Viewer);
        var run = await QueueRunAsync(user, await AddReadyDatasetAsync(user), epochs: 5);
        await AddEpochsAsync(run.Id, 1);

        var page = Render<RunDetail>(p => p.Add(c => c.RunId, run.Id));

        Assert.Equal("1", page.Find("#loss-chart").GetAttribute("data-points"));
        Assert.Equal(2, page.FindAll("#loss-chart circle.vwb-chart-point").Count);
        Assert.Equal(["Train", "Validation"], page.FindAll("#loss-chart .vwb-chart-legend li").Select(li => li.TextContent.Trim()));
        var kl = page.Find("#kl-chart svg").GetAttribute("aria-label")!;
        Assert.StartsWith("KL divergence", kl);
        Assert.Contains("Train: 21.0 at epoch 1", kl);
        Assert.DoesNotContain("280", kl);
        Assert.Contains("Train: 280 at epoch 1", page.Find("#recon-chart svg").GetAttribute("aria-label"));
        Assert.Single(page.FindAll("h1"));
    }

    [Fact]
    public async Task The_loss_curve_is_drawn_through_every_epoch()
    {
        var user = await SignInAsync(TeamRole.Viewer);
        var run = await QueueRunAsync(user, await AddReadyDatasetAsync(user), epochs: 5);
        await AddEpochsAsync(run.Id, 4);

        var page = Render<RunDetail>(p => p.Add(c => c.RunId, run.Id));

        var train = page.FindAll("#loss-chart path.vwb-chart-line")[0].GetAttribute("d")!;
        Assert.Equal(4, train.Split('L').Length);
        Assert.Contains("Epoch 0 of 5", page.Find("#run-progress-text").TextContent);
    }
}
