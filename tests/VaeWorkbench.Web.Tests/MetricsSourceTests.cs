using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using VaeWorkbench.Engine.Data;
using VaeWorkbench.Engine.IO;
using VaeWorkbench.Engine.Model;
using VaeWorkbench.Web.Data;
using VaeWorkbench.Web.Datasets;
using VaeWorkbench.Web.Inspection;
using VaeWorkbench.Web.Runs;
using VaeWorkbench.Web.Storage;
using VaeWorkbench.Web.Teams;
using VaeWorkbench.Web.Tests.Infrastructure;

namespace VaeWorkbench.Web.Tests;

/// <summary>The model page's metrics are test figures: on the images the run held out, or on a dataset the user picks.</summary>
public sealed class MetricsSourceTests : IDisposable
{
    private readonly WorkbenchFactory _factory = new(TrainedRun.FastTraining);

    [Fact]
    public async Task Metrics_use_the_held_out_images_by_default_or_a_chosen_dataset_and_say_which()
    {
        var owner = await _factory.RegisterWithTokenAsync();
        var teamId = await owner.PersonalTeamIdAsync();
        // TrainedRun trains with the defaults: 10% of 300 images held out, seed 3.
        var (_, modelId, datasetId) = await TrainedRun.TrainAsync(_factory, owner, teamId);
        var modelFile = await owner.Client.GetByteArrayAsync($"/api/models/{modelId}/file");
        var other = await _factory.CreateFashionMnistAsync(teamId, 1500, "other");
        var stranger = await _factory.RegisterWithTokenAsync();
        var foreign = await _factory.CreateFashionMnistAsync(await stranger.PersonalTeamIdAsync(), 10, "foreign");

        using var scope = _factory.Services.CreateScope();
        var inspection = scope.ServiceProvider.GetRequiredService<InspectionService>();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var userId = db.Users.Single(u => u.Email == owner.Email).Id;

        var heldOut = await inspection.MetricsAsync(userId, modelId, 5);
        Assert.True(heldOut.Source.HeldOut);
        Assert.Equal((30, 30, datasetId), (heldOut.Images, heldOut.Source.Available, heldOut.Source.DatasetId));
        Assert.Contains("held out for validation", heldOut.Source.Description);
        // The same figure, computed independently from the model file on the validation set the training runner made.
        var tensorHash = (await db.Datasets.SingleAsync(d => d.Id == datasetId)).TensorHash!;
        Engine.Data.ImageDataset all;
        await using (var stream = scope.ServiceProvider.GetRequiredService<BlobStore>().OpenRead(tensorHash)) all = DatasetTensorFile.Read(stream);
        var (_, validation) = TrainingJobRunner.Split(all, 0.1, 3);
        var vae = ModelFile.Load(modelFile).Model;
        var validationSet = validation!;
        var held = validationSet.Select([.. Enumerable.Range(0, validationSet.Count)]);
        Assert.Equal(vae.Score(held.Pixels, held.Count, ScoreMethod.Elbo, 1, 1).Average(), heldOut.NegativeElbo, 9);

        // A chosen dataset: at most 1000 images, evenly spaced, and not called held out.
        var chosen = await inspection.MetricsAsync(userId, modelId, 5, other);
        Assert.False(chosen.Source.HeldOut);
        Assert.Equal((1000, 1500, "other"), (chosen.Images, chosen.Source.Available, chosen.Source.DatasetName));
        Assert.StartsWith("1,000 of the 1,500 images of 'other'", chosen.Source.Description);
        var training = await inspection.MetricsAsync(userId, modelId, 5, datasetId);
        Assert.Contains("including images the model trained on", training.Source.Description);
        var notFound = await Assert.ThrowsAsync<AccessDeniedException>(() => inspection.MetricsAsync(userId, modelId, 5, foreign));
        Assert.True(notFound.Hidden, "another team's dataset reads as not found");

        // A run that held nothing out: the training images, labelled as not being test figures.
        var created = await owner.Client.PostAsJsonAsync("/api/runs", new { datasetId, epochs = 1, batch = 64, seed = 3, validationSplit = 0.0 });
        await ApiClient.EnsureStatusAsync(created, HttpStatusCode.Created);
        var runId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var run = await Eventually.WaitForAsync(() => owner.GetJsonAsync($"/api/runs/{runId}"),
            r => r.GetProperty("status").GetString() is "Succeeded" or "Failed", TimeSpan.FromMinutes(2), "the run without a validation split");
        var noSplit = await inspection.MetricsAsync(userId, run.GetProperty("modelId").GetGuid(), 5);
        Assert.False(noSplit.Source.HeldOut);
        Assert.Equal(300, noSplit.Images);
        Assert.Contains("held none out", noSplit.Source.Description);
    }

    public void Dispose() => _factory.Dispose();
}
