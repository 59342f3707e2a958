using Microsoft.EntityFrameworkCore;
using VaeWorkbench.Engine.Data;
using VaeWorkbench.Web.Data;
using VaeWorkbench.Web.Data.Entities;
using VaeWorkbench.Web.Runs;
using VaeWorkbench.Web.Scoring;

namespace VaeWorkbench.Web.Inspection;

/// <summary>Which images a metric was computed on: a dataset, whether they were held out from training, and how many there were.</summary>
/// <param name="HeldOut">True when every image is one the model's run held out for validation (so the figures are test figures).</param>
/// <param name="Available">Images of that kind; at most <see cref="InspectionService.MetricsImages"/> of them are evaluated.</param>
public sealed record MetricsSource(Guid DatasetId, string DatasetName, bool HeldOut, int Available, string Description);

/// <summary>
/// Picks the images the model page evaluates a model on. By default the images its training run held out for validation
/// (<see cref="ValidationSplit"/>: the same images the run validated on, never trained on). When the run held none out,
/// or the user names a dataset, images of that dataset spread evenly over it (a class-sorted dataset stays balanced).
/// </summary>
public sealed class EvaluationImages(AppDbContext db, ScoringService scoring, DatasetTensorCache tensors)
{
    /// <returns>The images' pixels, their count, their classes (for a conditional model, which takes each image at its
    /// own class; null when the dataset has none) and what they are.</returns>
    public async Task<(float[] Pixels, int Count, int[]? Labels, MetricsSource Source)> PickAsync(Guid modelId, Guid? datasetId, int limit, CancellationToken ct)
    {
        var model = await db.TrainedModels.AsNoTracking().SingleAsync(m => m.Id == modelId, ct);
        if (datasetId is { } chosen)
        {
            var dataset = await scoring.CompatibleDatasetAsync(model, chosen, ct);
            var data = await TensorAsync(dataset, ct);
            var picked = Spread(Enumerable.Range(0, data.Count).ToArray(), limit);
            var training = dataset.Id == model.DatasetId ? ", including images the model trained on" : "";
            return Gather(data, picked, new MetricsSource(dataset.Id, dataset.Name, false, data.Count,
                $"{picked.Length:N0} of the {data.Count:N0} images of '{dataset.Name}', evenly spaced{training}"));
        }
        var trainingSet = await db.Datasets.AsNoTracking().SingleAsync(d => d.Id == model.DatasetId, ct);
        var all = await TensorAsync(trainingSet, ct);
        var settings = await db.TrainingRuns.AsNoTracking().Where(r => r.Id == model.RunId).Select(r => r.SettingsJson).FirstOrDefaultAsync(ct) is { } json
            ? RunService.ParseSettings(json) : null;
        var validation = settings is null ? [] : ValidationSplit.Indexes(all.Count, settings.ValidationSplit, (ulong)settings.Seed).Validation;
        if (validation.Length > 0)
        {
            var picked = Spread(validation, limit);
            return Gather(all, picked, new MetricsSource(trainingSet.Id, trainingSet.Name, true, validation.Length,
                $"{picked.Length:N0} of the {validation.Length:N0} images of '{trainingSet.Name}' its run held out for validation ({settings!.ValidationSplit:P0}, seed {settings.Seed}); the model never trained on them"));
        }
        var spread = Spread(Enumerable.Range(0, all.Count).ToArray(), limit);
        return Gather(all, spread, new MetricsSource(trainingSet.Id, trainingSet.Name, false, all.Count,
            $"{spread.Length:N0} training images of '{trainingSet.Name}': its run held none out, so these are not test figures; pick a held-out dataset to evaluate on"));
    }

    // At most `limit` of the candidates, evenly spaced over them.
    private static int[] Spread(int[] candidates, int limit) =>
        candidates.Length <= limit ? candidates : [.. Enumerable.Range(0, limit).Select(i => candidates[(int)((long)i * candidates.Length / limit)])];

    private static (float[], int, int[]?, MetricsSource) Gather(ImageDataset data, int[] indexes, MetricsSource source)
    {
        var pixels = new float[indexes.Length * data.PixelCount];
        for (var i = 0; i < indexes.Length; i++) data.Image(indexes[i]).CopyTo(pixels.AsSpan(i * data.PixelCount));
        return (pixels, indexes.Length, data.Labels is { } labels ? [.. indexes.Select(i => labels[i])] : null, source);
    }

    private async Task<ImageDataset> TensorAsync(Dataset dataset, CancellationToken ct)
    {
        var hash = dataset.TensorHash ?? throw new Teams.RequestRejectedException($"dataset '{dataset.Name}' has no stored images.");
        return await Task.Run(() => tensors.Get(hash), ct);
    }
}
