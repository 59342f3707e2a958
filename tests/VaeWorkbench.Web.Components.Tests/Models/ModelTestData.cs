using System.Text.Json;
using VaeWorkbench.Web.Data.Entities;
using VaeWorkbench.Engine.IO;
using VaeWorkbench.Engine.Model;
using VaeWorkbench.Web.Datasets;
using VaeWorkbench.Web.Runs;
using VaeWorkbench.Web.Storage;

namespace VaeWorkbench.Web.Components.Tests.Models;

/// <summary>
/// A trained model and score jobs as rows, as training and scoring would leave them. Only <see cref="AddModelFilesAsync"/>
/// adds files (an untrained model and a small dataset tensor) for the views that run the model.
/// </summary>
internal static class ModelTestData
{
    public static async Task<(Guid ModelId, Guid RunId, Guid DatasetId)> AddModelWithFileAsync(this WorkbenchTestContext context, SignedInUser user,
        string datasetName = "fashion", string architecture = "mlp", double? valLoss = 120.5, int epochs = 2, DateTimeOffset? createdAt = null,
        string[]? classNames = null)
    {
        var datasetId = await context.AddReadyDatasetAsync(user, datasetName);
        if (classNames is not null)
            await context.QueryAsync(async db =>
            {
                (await db.Datasets.FindAsync(datasetId))!.ClassNamesJson = JsonSerializer.Serialize(classNames);
                return await db.SaveChangesAsync();
            });
        var run = await context.QueueRunAsync(user, datasetId);
        var modelId = Guid.NewGuid();
        await context.QueryAsync(db =>
        {
            db.TrainedModels.Add(new TrainedModel
            {
                Id = modelId, TeamId = user.TeamId, RunId = run.Id, DatasetId = datasetId,
                ConfigJson = $$"""{"architecture":"{{architecture}}","channels":1,"height":28,"width":28,"latent":20,"hidden":[400],"convWidths":[32,64],"convDense":256,"loss":"bernoulli","observationScale":0.1}""",
                MetricsJson = JsonSerializer.Serialize(new ModelMetrics(130, 110, 20, valLoss, valLoss - 20, 20, epochs, 123_456, 42, false), new JsonSerializerOptions(JsonSerializerDefaults.Web)),
                FileHash = "no-file", FileBytes = 2048, CreatedAt = createdAt ?? DateTimeOffset.UtcNow,
            });
            return db.SaveChangesAsync();
        });
        return (modelId, run.Id, datasetId);
    }

    /// <summary>A succeeded score job over images with these labels and scores (image i gets score i unless given).</summary>
    public static Task<Guid> AddScoreJobAsync(this WorkbenchTestContext context, SignedInUser user, Guid modelId, Guid datasetId, int?[] labels,
        double[]? scores = null, string method = "latent", int[]? normalClasses = null) =>
        context.QueryAsync(async db =>
        {
            var images = labels.Select((label, i) => new DatasetImage { DatasetId = datasetId, Index = i, Label = label, OriginalName = $"{i}.png", ContentHash = "h" }).ToList();
            db.DatasetImages.AddRange(images);
            await db.SaveChangesAsync();
            var job = new ScoreJob
            {
                Id = Guid.NewGuid(), TeamId = user.TeamId, ModelId = modelId, DatasetId = datasetId, Method = method, K = 1, Status = ScoreJobStatus.Succeeded,
                Progress = 1, ThresholdMode = "Percentile", ThresholdValue = 90, NormalClassesJson = JsonSerializer.Serialize(normalClasses ?? []),
                CreatedByUserId = user.OwnerId, CreatedAt = DateTimeOffset.UtcNow,
            };
            db.ScoreJobs.Add(job);
            db.ImageScores.AddRange(images.Select((image, i) => new ImageScore
            {
                ScoreJobId = job.Id, DatasetImageId = image.Id, ImageIndex = i, Label = image.Label, Score = scores?[i] ?? i,
            }));
            await db.SaveChangesAsync();
            return job.Id;
        });

    /// <summary>
    /// Stores an untrained MLP VAE (random weights, seed 1) as the model's file and <paramref name="labels"/>.Length random
    /// 28×28 images as its dataset's tensor: enough for the inspection views to draw, nothing a test should read meaning into.
    /// </summary>
    public static Task AddModelFilesAsync(this WorkbenchTestContext context, Guid modelId, Guid datasetId, int?[] labels)
    {
        var blobs = context.Services.GetRequiredService<BlobStore>();
        using var model = new MemoryStream();
        ModelFile.Save(model, new Vae(VaeConfig.MlpPreset(), 1));
        var modelHash = blobs.Put(model.ToArray());
        var random = new Random(2);
        using var tensor = new MemoryStream();
        DatasetTensorFile.Write(tensor, 1, 28, labels, labels.Select(_ => { var image = new byte[28 * 28]; random.NextBytes(image); return image; }).ToList());
        var tensorHash = blobs.Put(tensor.ToArray());
        return context.QueryAsync(async db =>
        {
            (await db.TrainedModels.FindAsync(modelId))!.FileHash = modelHash;
            var dataset = (await db.Datasets.FindAsync(datasetId))!;
            (dataset.TensorHash, dataset.ImageCount) = (tensorHash, labels.Length);
            return await db.SaveChangesAsync();
        });
    }
}
