using VaeWorkbench.Engine.Data;
using VaeWorkbench.Engine.Kernels;
using VaeWorkbench.Engine.Model;

namespace VaeWorkbench.Engine.Generation;

/// <summary>
/// Judges generated samples against the training images: a negative-ELBO ceiling taken from a percentile of the
/// training images' own scores, and a minimum L2 distance to the nearest training image (pixels or posterior means),
/// so the kept set is neither implausible nor copies. Compares against at most ReferenceLimit evenly spaced images.
/// </summary>
public sealed class QualityFilter
{
    private readonly Vae _model;
    private readonly GenerationFilter _filter;
    private readonly ulong _seed;
    private readonly float[] _reference = [];   // (R, D) vectors in the duplicate space
    private readonly float[] _referenceNorms = [];
    private readonly int _referenceCount;
    private readonly int _dimension;

    public QualityFilter(Vae model, IImageSource training, GenerationFilter filter, ulong seed)
    {
        filter.Validate();
        if (training.PixelCount != model.PixelCount) throw new ArgumentException("the filter's training images do not match the model's input shape");
        _model = model;
        _filter = filter;
        _seed = seed;
        var subset = EvenlySpaced(training, filter.ReferenceLimit);
        if (filter.MaxElboPercentile is { } percentile)
        {
            var scores = model.Score(subset.Pixels, subset.Count, ScoreMethod.Elbo, 1, seed ^ 0x5C0E5UL, ClassesOf(model, subset));
            ElboThreshold = Percentile(scores, percentile);
        }
        if (filter.MinDuplicateDistance is not null)
        {
            _referenceCount = subset.Count;
            _reference = filter.DuplicateSpace == DuplicateSpace.Pixel ? subset.Pixels : model.Encode(subset.Pixels, subset.Count, ClassesOf(model, subset)).Mean;
            _dimension = _reference.Length / _referenceCount;
            _referenceNorms = SquaredNorms(_reference, _referenceCount, _dimension);
        }
    }

    /// <summary>The negative-ELBO ceiling in nats, when that filter is on.</summary>
    public double? ElboThreshold { get; }

    public bool ScoresSamples => ElboThreshold is not null;

    /// <summary>
    /// pixels:(n,P) -> keep:(n), and scores:(n) the negative ELBO of each sample (NaN when the ELBO filter is off).
    /// <paramref name="chunk"/> varies the scoring seed per chunk so a set's scores are reproducible.
    /// </summary>
    /// <remarks>
    /// <paramref name="model"/> is the filter's model or a replica of it (same weights), so that threads with their own
    /// replicas can judge chunks at once; the filter's own state is only read.
    /// </remarks>
    public void Judge(Vae model, float[] pixels, int n, int chunk, Span<bool> keep, Span<double> scores, ReadOnlySpan<int> classes = default)
    {
        keep[..n].Fill(true);
        scores[..n].Fill(double.NaN);
        if (ElboThreshold is { } ceiling)
        {
            var elbo = model.Score(pixels.AsSpan(0, n * model.PixelCount), n, ScoreMethod.Elbo, 1, _seed + (ulong)chunk * 0x9E3779B97F4A7C15UL, classes);
            for (var i = 0; i < n; i++)
            {
                scores[i] = elbo[i];
                if (elbo[i] > ceiling) keep[i] = false;
            }
        }
        if (_filter.MinDuplicateDistance is { } minimum)
        {
            var vectors = _filter.DuplicateSpace == DuplicateSpace.Pixel
                ? pixels.AsSpan(0, n * model.PixelCount).ToArray()
                : model.Encode(pixels.AsSpan(0, n * model.PixelCount), n, classes).Mean;
            var nearest = NearestSquaredDistances(vectors, n, model.Threads);
            for (var i = 0; i < n; i++)
                if (nearest[i] < (double)minimum * minimum) keep[i] = false;
        }
    }

    // q:(n,D), reference:(R,D) -> min over r of |q − r|², via |q|² + |r|² − 2·q·rᵀ with one GEMM per block of references
    internal double[] NearestSquaredDistances(float[] queries, int n) => NearestSquaredDistances(queries, n, _model.Threads);

    private double[] NearestSquaredDistances(float[] queries, int n, int threads)
    {
        const int Block = 2048;
        var nearest = new double[n];
        Array.Fill(nearest, double.PositiveInfinity);
        var queryNorms = SquaredNorms(queries, n, _dimension);
        var dots = new float[n * Math.Min(Block, _referenceCount)];
        for (var start = 0; start < _referenceCount; start += Block)
        {
            var r = Math.Min(Block, _referenceCount - start);
            Sgemm.Multiply(false, true, n, r, _dimension, 1f, queries, _dimension,
                _reference.AsSpan(start * _dimension, r * _dimension), _dimension, 0f, dots, r, threads);
            for (var i = 0; i < n; i++)
                for (var j = 0; j < r; j++)
                {
                    var d = Math.Max(0, queryNorms[i] + _referenceNorms[start + j] - 2.0 * dots[i * r + j]);
                    if (d < nearest[i]) nearest[i] = d;
                }
        }
        return nearest;
    }

    // The naive distance the GEMM form is tested against.
    internal double NearestSquaredDistanceReference(ReadOnlySpan<float> query)
    {
        var best = double.PositiveInfinity;
        for (var r = 0; r < _referenceCount; r++)
        {
            double d = 0;
            for (var j = 0; j < _dimension; j++)
            {
                double diff = query[j] - _reference[r * _dimension + j];
                d += diff * diff;
            }
            best = Math.Min(best, d);
        }
        return best;
    }

    private static float[] SquaredNorms(float[] vectors, int count, int dimension)
    {
        var norms = new float[count];
        for (var i = 0; i < count; i++)
        {
            double sum = 0;
            foreach (var v in vectors.AsSpan(i * dimension, dimension)) sum += (double)v * v;
            norms[i] = (float)sum;
        }
        return norms;
    }

    /// <summary>Linear interpolation between order statistics, as numpy's default percentile.</summary>
    internal static double Percentile(double[] values, double percentile)
    {
        var sorted = values.Order().ToArray();
        var position = percentile / 100 * (sorted.Length - 1);
        var low = (int)Math.Floor(position);
        var high = Math.Min(low + 1, sorted.Length - 1);
        return sorted[low] + (position - low) * (sorted[high] - sorted[low]);
    }

    private static ImageDataset EvenlySpaced(IImageSource data, int limit)
    {
        if (data is ImageDataset inMemory && data.Count <= limit) return inMemory;
        var n = Math.Min(limit, data.Count);
        var rows = new int[n];
        for (var i = 0; i < n; i++) rows[i] = (int)((long)i * data.Count / n);
        return data.Select(rows);
    }

    // A conditional model scores and encodes the reference images at their own classes.
    private static ReadOnlySpan<int> ClassesOf(Vae model, ImageDataset data) =>
        !model.Conditional ? default
        : data.Labels ?? throw new ArgumentException("the quality filter of a conditional model needs the training images' classes");
}
