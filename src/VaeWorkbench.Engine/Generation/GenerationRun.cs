using VaeWorkbench.Engine.Model;

namespace VaeWorkbench.Engine.Generation;

/// <summary>
/// A prepared generation: the measured negative-ELBO ceiling (when that filter is on), and its chunks, either lazily
/// in order (<see cref="Chunks"/>, on the model given to Prepare) or as <see cref="Plans"/> that threads with their own
/// model replicas turn into chunks with <see cref="Decode"/>. Both ways give the same chunks, bit for bit.
/// </summary>
public sealed class GenerationRun
{
    private readonly Vae _model;
    private readonly LatentSampler _sampler;
    private readonly QualityFilter? _judge;
    private readonly int _count;
    private readonly CancellationToken _cancellationToken;

    internal GenerationRun(Vae model, LatentSampler sampler, QualityFilter? judge, int count, CancellationToken cancellationToken)
    {
        (_model, _sampler, _judge, _count, _cancellationToken) = (model, sampler, judge, count, cancellationToken);
    }

    public double? ElboThreshold => _judge?.ElboThreshold;

    public int ChunkCount => (_count + Generator.ChunkSize - 1) / Generator.ChunkSize;

    /// <summary>The chunks in order, decoded and judged on the model given to Prepare.</summary>
    public IEnumerable<GeneratedChunk> Chunks => Plans.Select(plan => Decode(plan, _model));

    /// <summary>
    /// Each chunk's latent codes and labels, sampled in order (sampling is sequential and cheap; decoding is not).
    /// Enumerate once.
    /// </summary>
    public IEnumerable<ChunkPlan> Plans
    {
        get
        {
            for (int start = 0, chunk = 0; start < _count; start += Generator.ChunkSize, chunk++)
            {
                _cancellationToken.ThrowIfCancellationRequested();
                var n = Math.Min(Generator.ChunkSize, _count - start);
                var z = new float[n * _model.Latent];
                var labels = new int[n];
                _sampler.Next(z, labels, n);
                yield return new ChunkPlan(chunk, start, n, z, labels);
            }
        }
    }

    /// <summary>
    /// Decodes and judges one planned chunk with <paramref name="model"/>: the model given to Prepare or a replica of
    /// it (same weights). Safe to call from several threads at once as long as each uses its own model.
    /// </summary>
    public GeneratedChunk Decode(ChunkPlan plan, Vae model)
    {
        _cancellationToken.ThrowIfCancellationRequested();
        var (n, start, pixelCount) = (plan.Count, plan.Start, model.PixelCount);
        var classes = model.Conditional ? plan.Labels : default; // a conditional model decodes each sample at its label
        var pixels = model.Decode(plan.Latents, n, classes);
        var keep = new bool[n];
        var scores = new double[n];
        if (_judge is null)
        {
            keep.AsSpan().Fill(true);
            scores.AsSpan().Fill(double.NaN);
        }
        else
        {
            _judge.Judge(model, pixels, n, plan.Index, keep, scores, classes);
        }
        var kept = keep.AsSpan().Count(true);
        if (kept == n) return new GeneratedChunk(n, n, pixels, Enumerable.Range(start, n).ToArray(), plan.Labels, scores);
        var keptPixels = new float[kept * pixelCount];
        var indices = new int[kept];
        var keptLabels = new int[kept];
        var keptScores = new double[kept];
        for (int i = 0, k = 0; i < n; i++)
        {
            if (!keep[i]) continue;
            pixels.AsSpan(i * pixelCount, pixelCount).CopyTo(keptPixels.AsSpan(k * pixelCount));
            indices[k] = start + i;
            keptLabels[k] = plan.Labels[i];
            keptScores[k] = scores[i];
            k++;
        }
        return new GeneratedChunk(n, kept, keptPixels, indices, keptLabels, keptScores);
    }
}

/// <summary>One chunk's sampled latent codes z:(Count, L) and labels (−1 for none); <see cref="Index"/> numbers the chunks.</summary>
public sealed record ChunkPlan(int Index, int Start, int Count, float[] Latents, int[] Labels);
