using VaeWorkbench.Engine.Data;
using VaeWorkbench.Engine.Model;

namespace VaeWorkbench.Engine.Generation;

/// <summary>A prepared generation: the measured negative-ELBO ceiling (when that filter is on) and the lazy chunks.</summary>
public sealed record GenerationRun(double? ElboThreshold, IEnumerable<GeneratedChunk> Chunks);

/// <summary>
/// One chunk of a generation: the samples the filter kept, in generation order. <see cref="Indices"/> are positions in
/// the whole generated sequence (0-based, before filtering); labels are −1 for none; scores are NaN when not scored.
/// </summary>
public sealed record GeneratedChunk(int Generated, int Kept, float[] Pixels, int[] Indices, int[] Labels, double[] Scores);

/// <summary>
/// Generates samples in fixed-size chunks, so memory stays bounded at any count and the same request and seed always
/// produce the same pixels (the chunk size is a constant, not a tuning knob, because the scoring seed depends on it).
/// </summary>
public static class Generator
{
    public const int ChunkSize = 1024;

    /// <param name="data">The source dataset: needed by every mode except Prior, and by the filter.</param>
    public static IEnumerable<GeneratedChunk> Generate(Vae model, ImageDataset? data, GenerationRequest request,
        GenerationFilter? filter = null, CancellationToken cancellationToken = default) =>
        Prepare(model, data, request, filter, cancellationToken).Chunks;

    /// <summary>
    /// Checks the request and computes the mode's statistics and the filter's thresholds now (so errors surface before
    /// any output is written); the chunks are generated lazily as they are enumerated.
    /// </summary>
    public static GenerationRun Prepare(Vae model, ImageDataset? data, GenerationRequest request,
        GenerationFilter? filter = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        request.Validate();
        filter?.Validate();
        if (filter is { IsActive: true } && data is null) throw new ArgumentException("the quality filter needs the training dataset");
        var sampler = new LatentSampler(model, data, request);
        var judge = filter is { IsActive: true } ? new QualityFilter(model, data!, filter, request.Seed) : null;
        return new GenerationRun(judge?.ElboThreshold, Chunks(model, sampler, judge, request.Count, cancellationToken));
    }

    private static IEnumerable<GeneratedChunk> Chunks(Vae model, LatentSampler sampler, QualityFilter? judge, int count, CancellationToken cancellationToken)
    {
        var pixelCount = model.PixelCount;
        var z = new float[Math.Min(count, ChunkSize) * model.Latent];
        var labels = new int[Math.Min(count, ChunkSize)];
        var keep = new bool[labels.Length];
        var scores = new double[labels.Length];
        for (int start = 0, chunk = 0; start < count; start += ChunkSize, chunk++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var n = Math.Min(ChunkSize, count - start);
            sampler.Next(z, labels, n);
            var pixels = model.Decode(z.AsSpan(0, n * model.Latent), n);
            if (judge is null)
            {
                keep.AsSpan(0, n).Fill(true);
                scores.AsSpan(0, n).Fill(double.NaN);
            }
            else
            {
                judge.Judge(pixels, n, chunk, keep, scores);
            }
            var kept = keep.AsSpan(0, n).Count(true);
            if (kept == n)
            {
                yield return new GeneratedChunk(n, n, pixels, Enumerable.Range(start, n).ToArray(), labels[..n], scores[..n]);
                continue;
            }
            var keptPixels = new float[kept * pixelCount];
            var indices = new int[kept];
            var keptLabels = new int[kept];
            var keptScores = new double[kept];
            for (int i = 0, k = 0; i < n; i++)
            {
                if (!keep[i]) continue;
                pixels.AsSpan(i * pixelCount, pixelCount).CopyTo(keptPixels.AsSpan(k * pixelCount));
                indices[k] = start + i;
                keptLabels[k] = labels[i];
                keptScores[k] = scores[i];
                k++;
            }
            yield return new GeneratedChunk(n, kept, keptPixels, indices, keptLabels, keptScores);
        }
    }
}
