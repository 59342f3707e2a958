using Microsoft.EntityFrameworkCore;
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

    [Fact]
    public async Task A_finished_run_opened_again_shows_the_reconstruction_grid_kept_with_it()
    {
        var user = await SignInAsync(TeamRole.Viewer);
        var run = await QueueRunAsync(user, await AddReadyDatasetAsync(user), epochs: 2);
        await AddEpochsAsync(run.Id, 2);
        var png = VaeWorkbench.Imaging.Formats.Png.PngEncoder.Encode(new VaeWorkbench.Imaging.Image(4, 2, 1, [0, 64, 128, 255, 255, 128, 64, 0]));
        var hash = Services.GetRequiredService<VaeWorkbench.Web.Storage.BlobStore>().Put(png);
        await QueryAsync(db => db.TrainingRuns.Where(r => r.Id == run.Id).ExecuteUpdateAsync(s => s
            .SetProperty(r => r.Status, RunStatus.Succeeded).SetProperty(r => r.Epoch, 2).SetProperty(r => r.FinalReconstructionHash, hash)));

        var page = Render<RunDetail>(p => p.Add(c => c.RunId, run.Id));

        Assert.Equal("data:image/png;base64," + Convert.ToBase64String(png), page.Find("#reconstructions").GetAttribute("src"));
        Assert.Contains("after epoch 2", page.Find("#reconstructions").ParentElement!.TextContent);
        Assert.Empty(page.FindAll("#reconstructions-elsewhere"));
    }

    [Fact]
    public async Task A_run_finished_before_grids_were_kept_points_to_the_model_page()
    {
        var user = await SignInAsync(TeamRole.Viewer);
        var (modelId, _) = await AddTrainedModelAsync(user);
        var runId = await QueryAsync(db => Task.FromResult(db.TrainedModels.Single(m => m.Id == modelId).RunId));
        await QueryAsync(db => db.TrainingRuns.Where(r => r.Id == runId).ExecuteUpdateAsync(s => s.SetProperty(r => r.Status, RunStatus.Succeeded)));

        var page = Render<RunDetail>(p => p.Add(c => c.RunId, runId));

        Assert.Empty(page.FindAll("#reconstructions"));
        Assert.Contains("the trained model's page", page.Find("#reconstructions-elsewhere").TextContent);
    }
}
