using VaeWorkbench.Engine.Data;
using VaeWorkbench.Engine.Model;

namespace VaeWorkbench.Engine.Generation;

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
    public static IEnumerable<GeneratedChunk> Generate(Vae model, IImageSource? data, GenerationRequest request,
        GenerationFilter? filter = null, CancellationToken cancellationToken = default) =>
        Prepare(model, data, request, filter, cancellationToken).Chunks;

    /// <summary>
    /// Checks the request and computes the mode's statistics and the filter's thresholds now (so errors surface before
    /// any output is written); the chunks are generated lazily as they are enumerated.
    /// </summary>
    public static GenerationRun Prepare(Vae model, IImageSource? data, GenerationRequest request,
        GenerationFilter? filter = null, CancellationToken cancellationToken = default) =>
        Prepare(model, data, request, filter, cancellationToken, request.Count);

    /// <param name="totalDraws">How many samples the run draws: the count, or more for a top-up (the first
    /// <c>request.Count</c> are the same samples either way).</param>
    internal static GenerationRun Prepare(Vae model, IImageSource? data, GenerationRequest request,
        GenerationFilter? filter, CancellationToken cancellationToken, int totalDraws)
    {
        ArgumentNullException.ThrowIfNull(model);
        request.Validate();
        filter?.Validate();
        if (filter is { IsActive: true } && data is null) throw new ArgumentException("the quality filter needs the training dataset");
        var sampler = new LatentSampler(model, data, request);
        var judge = filter is { IsActive: true } ? new QualityFilter(model, data!, filter, request.Seed) : null;
        return new GenerationRun(model, sampler, judge, Math.Max(request.Count, totalDraws), cancellationToken);
    }
}
