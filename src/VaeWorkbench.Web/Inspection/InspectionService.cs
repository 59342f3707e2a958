using Microsoft.EntityFrameworkCore;
using VaeWorkbench.Engine.Data;
using VaeWorkbench.Engine.Model;
using VaeWorkbench.Engine.Scoring;
using VaeWorkbench.Imaging;
using VaeWorkbench.Imaging.Formats.Png;
using VaeWorkbench.Imaging.Transforms;
using VaeWorkbench.Web.Data;
using VaeWorkbench.Web.Data.Entities;
using VaeWorkbench.Web.Datasets;
using VaeWorkbench.Web.Runs;
using VaeWorkbench.Web.Scoring;
using VaeWorkbench.Web.Teams;

namespace VaeWorkbench.Web.Inspection;

/// <summary>
/// What the model page shows about a trained model, computed on demand on the model's training dataset:
/// reconstructions, prior samples, interpolations, latent traversals, the latent map and its selections, and metrics
/// (on held-out images, see <see cref="EvaluationImages"/>); and the review card's pictures.
/// Every method checks that the caller may read the model (Viewer).
/// </summary>
public sealed class InspectionService(AppDbContext db, ModelService models, ScoringService scoring, ModelCache cache, DatasetTensorCache tensors, EvaluationImages evaluation)
{
    public const int MetricsImages = 1000;
    private const int DiagnosticImages = 1000;

    public async Task<PictureView> ReconstructionsAsync(string userId, Guid modelId, ReconstructionPick pick, int? label, int seed, int count = 12, CancellationToken ct = default)
    {
        if (count is < 1 or > 64) throw new RequestRejectedException("count must be between 1 and 64.");
        var (hash, data) = await ModelAndDataAsync(userId, modelId, ct);
        return await cache.UseAsync(hash, loaded =>
        {
            var vae = loaded.Model;
            var candidates = Enumerable.Range(0, data.Count).Where(i => pick != ReconstructionPick.ByClass || data.Labels?[i] == label).ToArray();
            if (candidates.Length == 0) throw new RequestRejectedException("no images of that class in the dataset.");
            int[] chosen;
            if (pick == ReconstructionPick.Worst)
            {
                // The worst of a bounded random pool, so the answer is quick on 60k images.
                var pool = Shuffle(candidates, seed).Take(4096).ToArray();
                var scores = vae.Score(Gather(data, pool), pool.Length, ScoreMethod.Reconstruction, 1, 1, ClassesOf(vae, data, pool));
                chosen = [.. pool.Zip(scores).OrderByDescending(p => p.Second).Take(count).Select(p => p.First)];
            }
            else chosen = [.. Shuffle(candidates, seed).Take(count)];
            var originals = Gather(data, chosen);
            var both = new float[2 * originals.Length];
            originals.CopyTo(both, 0);
            vae.Reconstruct(originals, chosen.Length, ClassesOf(vae, data, chosen)).CopyTo(both, originals.Length);
            return new PictureView(Grid(both, 2 * chosen.Length, vae.Config, chosen.Length), chosen,
                vae.Conditional ? "Each image is encoded and decoded at its own class." : null);
        }, ct);
    }

    /// <summary>
    /// Prior samples at one temperature. A conditional model draws one column per class (left to right in class order,
    /// rows of 8 in turn when it has more than 16), so the grid shows every class; the note names the columns.
    /// </summary>
    public async Task<PictureView> SamplesAsync(string userId, Guid modelId, float temperature, int seed, int count = 16, CancellationToken ct = default)
    {
        if (!(temperature is >= 0 and <= 5)) throw new RequestRejectedException("temperature must be between 0 and 5.");
        if (count is < 1 or > 64) throw new RequestRejectedException("count must be between 1 and 64.");
        var (hash, _) = await models.FileAsync(userId, modelId, ct);
        var classNames = await ClassNamesAsync(modelId, ct);
        return await cache.UseAsync(hash, loaded =>
        {
            var vae = loaded.Model;
            if (!vae.Conditional) return new PictureView(Grid(vae.Sample(count, temperature, (ulong)seed), count, vae.Config, 8), []);
            var columns = vae.ClassCount <= 16 ? vae.ClassCount : 8;
            var shown = Math.Min(64 / columns * columns, Math.Max(columns, (count + columns - 1) / columns * columns));
            var pixels = vae.Sample(shown, temperature, (ulong)seed, [.. Enumerable.Range(0, shown).Select(i => i % vae.ClassCount)]);
            var names = Enumerable.Range(0, vae.ClassCount).Select(c => ClassName(classNames, c)).ToList();
            var note = vae.ClassCount <= 16
                ? $"One column per class, left to right: {string.Join(", ", names)}. Each sample is decoded at its column's class."
                : $"Classes in turn, row by row, from {names[0]} to {names[^1]}. Each sample is decoded at its class.";
            // A few classes make a narrow grid: shown at most 4× its size, as the 8-wide grid of an unconditional model is.
            return new PictureView(Grid(pixels, shown, vae.Config, columns), [], note, 4 * (columns * (vae.Config.Width + 2) + 2));
        }, ct);
    }

    /// <summary>
    /// Decodes the path from image A's code to image B's. A conditional model encodes both and decodes every step at
    /// image A's class, so only the style changes along the row; the note says which class.
    /// </summary>
    public async Task<PictureView> InterpolateAsync(string userId, Guid modelId, int indexA, int indexB, int steps, bool spherical, CancellationToken ct = default)
    {
        if (steps is < 2 or > 32) throw new RequestRejectedException("steps must be between 2 and 32.");
        var (hash, data) = await ModelAndDataAsync(userId, modelId, ct);
        CheckIndex(data, indexA);
        CheckIndex(data, indexB);
        var classNames = await ClassNamesAsync(modelId, ct);
        return await cache.UseAsync(hash, loaded =>
        {
            var label = ClassOf(loaded.Model, data, indexA);
            var note = label is { } a
                ? $"At class {ClassName(classNames, a)}, the first image's class, from end to end: only the style changes along the row." +
                  (ClassOf(loaded.Model, data, indexB) is { } b && b != a ? $" The second image, of class {ClassName(classNames, b)}, is encoded at {ClassName(classNames, a)} too." : "")
                : null;
            return new PictureView(Grid(loaded.Model.Interpolate(data.Image(indexA), data.Image(indexB), steps, spherical, label), steps, loaded.Model.Config, steps), [indexA, indexB], note);
        }, ct);
    }

    /// <summary>One row per latent dimension, most informative (highest average KL) first, sweeping μ ± 3 (the prior's ±3σ).</summary>
    public async Task<TraversalView> TraversalAsync(string userId, Guid modelId, int imageIndex, int steps = 9, int maxRows = 32, CancellationToken ct = default)
    {
        var (hash, data) = await ModelAndDataAsync(userId, modelId, ct);
        CheckIndex(data, imageIndex);
        var classNames = await ClassNamesAsync(modelId, ct);
        return await cache.UseAsync(hash, loaded =>
        {
            var vae = loaded.Model;
            var dims = Dimensions(vae, data).Take(maxRows).ToList();
            var all = new float[dims.Count * steps * vae.PixelCount];
            var label = ClassOf(vae, data, imageIndex);
            for (var r = 0; r < dims.Count; r++)
                vae.Traverse(data.Image(imageIndex), dims[r].Dimension, -3, 3, steps, label).CopyTo(all, r * steps * vae.PixelCount);
            var note = label is { } c ? $"At the image's class, {ClassName(classNames, c)}, in every row: only its code moves." : null;
            return new TraversalView(Grid(all, dims.Count * steps, vae.Config, steps), dims, steps, note);
        }, ct);
    }

    /// <summary>
    /// −ELBO with its parts, the IWAE estimate with K samples, active units and per-dimension KL on up to
    /// <see cref="MetricsImages"/> images: by default those the model's run held out (test figures), or of the named
    /// dataset (see <see cref="EvaluationImages"/>). The result says which images were used.
    /// </summary>
    public async Task<ModelMetricsView> MetricsAsync(string userId, Guid modelId, int iwaeSamples, Guid? datasetId = null, CancellationToken ct = default)
    {
        if (iwaeSamples is < 1 or > 5000) throw new RequestRejectedException("K must be between 1 and 5000.");
        var (hash, _) = await models.FileAsync(userId, modelId, ct);
        var (images, n, labels, source) = await evaluation.PickAsync(modelId, datasetId, MetricsImages, ct);
        return await cache.UseAsync(hash, loaded =>
        {
            var vae = loaded.Model;
            // A conditional model is evaluated with each image at its own class.
            var classes = vae.Conditional ? Classes(vae, new ImageDataset(images, n, vae.Config.Channels, vae.Config.Height, vae.Config.Width, labels), 0, n) : null;
            var (mean, logVariance) = vae.Encode(images, n, classes);
            var kl = LatentDiagnostics.PerDimensionKl(mean, logVariance, n, vae.Latent);
            var elbo = vae.Score(images, n, ScoreMethod.Elbo, 1, 1, classes).Average();
            var iwae = vae.Score(images, n, ScoreMethod.Iwae, iwaeSamples, 1, classes).Average();
            return new ModelMetricsView(n, source, elbo, elbo - kl.Sum(), kl.Sum(), iwaeSamples, iwae, LatentDiagnostics.ActiveUnits(mean, n, vae.Latent), Ranked(kl));
        }, ct);
    }

    public async Task<ReviewPictures> ReviewPicturesAsync(string userId, Guid scoreJobId, int imageIndex, CancellationToken ct = default)
    {
        var job = await scoring.FindAsync(userId, scoreJobId, TeamRole.Viewer, ct);
        var hash = await db.TrainedModels.Where(m => m.Id == job.ModelId).Select(m => m.FileHash).SingleAsync(ct);
        var data = await TensorAsync(job.DatasetId, ct);
        CheckIndex(data, imageIndex);
        return await cache.UseAsync(hash, loaded =>
        {
            var c = loaded.Model.Config;
            var original = data.Image(imageIndex);
            var reconstruction = loaded.Model.Reconstruct(original, 1, ClassesOf(loaded.Model, data, [imageIndex]));
            return new ReviewPictures(
                DataUrl(TensorConversion.FromChw(original, c.Channels, c.Height, c.Width)),
                DataUrl(TensorConversion.FromChw(reconstruction, c.Channels, c.Height, c.Width)),
                DataUrl(HeatMap.Of(original, reconstruction, c.Channels, c.Height, c.Width)),
                HeatMap.MaxError(original, reconstruction));
        }, ct);
    }

    /// <summary>
    /// μ of every image of the training dataset projected to 2-D (first two dimensions or PCA), coloured by class or by
    /// the latest finished score job of this model on that dataset.
    /// </summary>
    public async Task<LatentMapView> LatentMapAsync(string userId, Guid modelId, bool pca, bool colourByScore, CancellationToken ct = default)
    {
        var (hash, data) = await ModelAndDataAsync(userId, modelId, ct);
        var datasetId = await db.TrainedModels.Where(m => m.Id == modelId).Select(m => m.DatasetId).SingleAsync(ct);
        double[]? scores = null;
        string? scoreMethod = null;
        if (colourByScore)
        {
            var jobs = await db.ScoreJobs.AsNoTracking().Where(j => j.ModelId == modelId && j.DatasetId == datasetId && j.Status == ScoreJobStatus.Succeeded)
                .Select(j => new { j.Id, j.Method, j.CreatedAt }).ToListAsync(ct);
            var latest = jobs.OrderByDescending(j => j.CreatedAt).FirstOrDefault()
                ?? throw new RequestRejectedException("Colouring by score needs a finished score job of this model on its training dataset; start one in the scoring panel.");
            var rows = await db.ImageScores.AsNoTracking().Where(s => s.ScoreJobId == latest.Id).OrderBy(s => s.ImageIndex).Select(s => s.Score).ToListAsync(ct);
            if (rows.Count != data.Count) throw new RequestRejectedException("the score job does not cover every image of the dataset.");
            (scores, scoreMethod) = ([.. rows], latest.Method);
        }
        var renderer = await RendererAsync(hash, data, pca, ct);
        var colours = new (byte, byte, byte)[data.Count];
        if (scores is not null)
        {
            var rank = new int[scores.Length];
            var order = Enumerable.Range(0, scores.Length).OrderBy(i => scores[i]).ToArray();
            for (var r = 0; r < order.Length; r++) rank[order[r]] = r;
            for (var i = 0; i < colours.Length; i++) colours[i] = LatentMapRenderer.RampColour((double)rank[i] / Math.Max(1, scores.Length - 1));
        }
        else for (var i = 0; i < colours.Length; i++) colours[i] = LatentMapRenderer.ClassColour(data.Labels?[i]);
        return new LatentMapView(datasetId, DataUrl(renderer.Render(colours)), renderer, data.Labels, scores, scoreMethod);
    }

    /// <summary>
    /// The images drawn inside a rectangle of the latent map: the same projection and the same bitmap coordinates as
    /// <see cref="LatentMapAsync"/> draws, resolved by <see cref="LatentMapRenderer.Within"/>.
    /// </summary>
    public async Task<LatentSelection> LatentRegionAsync(string userId, Guid modelId, LatentRegionRequest region, CancellationToken ct = default)
    {
        var pca = (region.Projection ?? "pca") switch
        {
            "pca" => true,
            "first" => false,
            var other => throw new RequestRejectedException($"projection must be pca or first, not '{other}'."),
        };
        if (!new[] { region.X0, region.Y0, region.X1, region.Y1 }.All(double.IsFinite)) throw new RequestRejectedException("the region's corners must be finite numbers.");
        var (hash, data) = await ModelAndDataAsync(userId, modelId, ct);
        var renderer = await RendererAsync(hash, data, pca, ct);
        return await ImagesAtAsync(userId, modelId, renderer.Within(region.X0, region.Y0, region.X1, region.Y1), ct);
    }

    /// <summary>Images of the model's training dataset by index (a selection on the drawn map), with their ids and labels.</summary>
    public async Task<LatentSelection> ImagesAtAsync(string userId, Guid modelId, IReadOnlyList<int> indexes, CancellationToken ct = default)
    {
        var (_, data) = await ModelAndDataAsync(userId, modelId, ct);
        foreach (var index in indexes) CheckIndex(data, index);
        var datasetId = await db.TrainedModels.Where(m => m.Id == modelId).Select(m => m.DatasetId).SingleAsync(ct);
        var wanted = indexes.ToHashSet();
        var ids = (await db.DatasetImages.AsNoTracking().Where(i => i.DatasetId == datasetId).Select(i => new { i.Index, i.Id }).ToListAsync(ct))
            .Where(i => wanted.Contains(i.Index)).ToDictionary(i => i.Index, i => i.Id);
        return new LatentSelection(datasetId, [.. wanted.Order().Select(i => new SelectedImage(i, ids.TryGetValue(i, out var id) ? id : null, data.Labels?[i]))]);
    }

    /// <summary>One image of the model's training dataset, for the latent map's click.</summary>
    public async Task<string> ImageAsync(string userId, Guid modelId, int index, CancellationToken ct = default)
    {
        var (_, data) = await ModelAndDataAsync(userId, modelId, ct);
        CheckIndex(data, index);
        return DataUrl(TensorConversion.FromChw(data.Image(index), data.Channels, data.Height, data.Width));
    }

    /// <summary>μ of every image projected to 2-D and placed on the bitmap: the one projection the map draws and selects with.</summary>
    private Task<LatentMapRenderer> RendererAsync(string modelHash, ImageDataset data, bool pca, CancellationToken ct) =>
        cache.UseAsync(modelHash, loaded =>
        {
            var mean = loaded.Model.Encode(data.Pixels, data.Count, Classes(loaded.Model, data, 0, data.Count)).Mean;
            return new LatentMapRenderer(pca ? LatentProjection.Pca(mean, data.Count, loaded.Model.Latent).Points : LatentProjection.FirstTwo(mean, data.Count, loaded.Model.Latent));
        }, ct);

    private static List<LatentDimension> Dimensions(Vae vae, ImageDataset data)
    {
        var n = Math.Min(DiagnosticImages, data.Count);
        var (mean, logVariance) = vae.Encode(data.Pixels.AsSpan(0, n * data.PixelCount), n, Classes(vae, data, 0, n));
        return Ranked(LatentDiagnostics.PerDimensionKl(mean, logVariance, n, vae.Latent));
    }

    private static List<LatentDimension> Ranked(double[] kl) =>
        [.. kl.Select((v, j) => new LatentDimension(j, v, v < LatentDiagnostics.CollapsedKl)).OrderByDescending(d => d.Kl)];

    private async Task<(string Hash, ImageDataset Data)> ModelAndDataAsync(string userId, Guid modelId, CancellationToken ct)
    {
        var (hash, _) = await models.FileAsync(userId, modelId, ct);
        var datasetId = await db.TrainedModels.Where(m => m.Id == modelId).Select(m => m.DatasetId).SingleAsync(ct);
        return (hash, await TensorAsync(datasetId, ct));
    }

    private async Task<List<string>> ClassNamesAsync(Guid modelId, CancellationToken ct) =>
        DatasetMapping.ClassNames(await db.TrainedModels.Where(m => m.Id == modelId).Join(db.Datasets, m => m.DatasetId, d => d.Id, (m, d) => d).SingleAsync(ct));

    private static string ClassName(IReadOnlyList<string> names, int label) => label < names.Count ? names[label] : $"class {label}";

    /// <summary>The image's class for a conditional model (which runs at a fixed class), null for an unconditional one.</summary>
    private static int? ClassOf(Vae vae, ImageDataset data, int index) => vae.Conditional ? Classes(vae, data, index, 1)[0] : null;

    private static int[]? ClassesOf(Vae vae, ImageDataset data, int[] indexes) =>
        vae.Conditional ? [.. indexes.Select(i => ClassOf(vae, data, i)!.Value)] : null;

    /// <summary>Images [start, start + n)'s classes for a conditional model (empty for another); a missing class is refused by name.</summary>
    private static int[] Classes(Vae vae, ImageDataset data, int start, int n)
    {
        try
        {
            return vae.ClassesOf(data, start, n);
        }
        catch (ArgumentException e)
        {
            throw new RequestRejectedException(char.ToUpperInvariant(e.Message[0]) + e.Message[1..] + ".");
        }
    }

    private async Task<ImageDataset> TensorAsync(Guid datasetId, CancellationToken ct)
    {
        var tensorHash = await db.Datasets.Where(d => d.Id == datasetId).Select(d => d.TensorHash).SingleAsync(ct)
            ?? throw new RequestRejectedException("the dataset has no stored images.");
        return await Task.Run(() => tensors.Get(tensorHash), ct);
    }

    private static void CheckIndex(ImageDataset data, int index)
    {
        if ((uint)index >= (uint)data.Count) throw new RequestRejectedException($"image index must be between 0 and {data.Count - 1}.");
    }

    private static IEnumerable<int> Shuffle(int[] items, int seed)
    {
        var copy = (int[])items.Clone();
        new Random(seed).Shuffle(copy);
        return copy;
    }

    private static float[] Gather(ImageDataset data, IReadOnlyList<int> indexes)
    {
        var result = new float[indexes.Count * data.PixelCount];
        for (var i = 0; i < indexes.Count; i++) data.Image(indexes[i]).CopyTo(result.AsSpan(i * data.PixelCount));
        return result;
    }

    private static string Grid(float[] images, int count, VaeConfig c, int columns) =>
        DataUrl(ImageGrid.Compose(images, count, c.Channels, c.Height, c.Width, columns));

    private static string DataUrl(Image image) => "data:image/png;base64," + Convert.ToBase64String(PngEncoder.Encode(image));
}
