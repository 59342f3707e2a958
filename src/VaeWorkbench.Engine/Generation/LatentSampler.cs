using VaeWorkbench.Engine.Data;
using VaeWorkbench.Engine.Model;

namespace VaeWorkbench.Engine.Generation;

/// <summary>
/// Draws latent codes (and labels, −1 for none) for one generation mode, in order from one RNG, so drawing in chunks
/// gives exactly the codes one big draw would. The mode's statistics (posteriors, class Gaussians) are computed once.
/// A conditional model decodes every code at its label: Prior draws z ~ N(0, T²·I) for each class in turn; PerClass
/// draws from the Gaussian fitted to class c's posterior means (encoded at class c), so the code and the decoder's
/// class input agree (prior draws at a class were judged true to it far less often: the encoder still puts some of
/// the class in z); variations and interpolations encode and decode at the source images' own class.
/// </summary>
internal sealed class LatentSampler
{
    private readonly GenerationRequest _request;
    private readonly int _latent;
    private readonly Rng _rng;
    // Variations: the chosen images' μ and σ, and their labels. Interpolate: every image's μ by class.
    private readonly float[] _means = [];
    private readonly float[] _sigmas = [];
    private readonly int[] _sourceLabels = [];
    private readonly int[] _classes = [];
    private readonly float[][] _classMean = [];
    private readonly float[][] _classStd = [];
    private readonly int[][] _classMembers = [];
    private readonly bool _conditional;
    private int _drawn;

    public LatentSampler(Vae model, IImageSource? data, GenerationRequest request)
    {
        _request = request;
        _latent = model.Latent;
        _rng = new Rng(request.Seed);
        _conditional = model.Conditional;
        if (_conditional && request.Mode == GenerationMode.Prior)
        {
            _classes = request.Classes is null ? [.. Enumerable.Range(0, model.ClassCount)] : request.Classes.Distinct().Order().ToArray();
            if (_classes.Length == 0) throw new ArgumentException("no classes to generate");
            foreach (var c in _classes)
                if ((uint)c >= (uint)model.ClassCount) throw new ArgumentException($"class {c} is outside the model's {model.ClassCount} classes (0..{model.ClassCount - 1})");
            return;
        }
        if (request.Mode == GenerationMode.Prior) return;
        if (data is null) throw new ArgumentException($"{request.Mode} generation needs a source dataset");
        VaeSourceExtensions.CheckShape(model, data);

        if (request.Mode == GenerationMode.Variations)
        {
            var indices = request.ImageIndices?.ToArray() ?? Enumerable.Range(0, data.Count).ToArray();
            if (indices.Length == 0) throw new ArgumentException("variations need at least one source image");
            foreach (var index in indices)
                if ((uint)index >= (uint)data.Count) throw new ArgumentException($"image index {index} is outside the dataset (0..{data.Count - 1})");
            if (_conditional && data.Labels is null) throw new ArgumentException("variations of a conditional model need the source images' classes");
            var (mean, logVariance) = model.Encode(data, indices);
            _means = mean;
            _sigmas = logVariance.Select(lv => MathF.Exp(0.5f * lv)).ToArray();
            _sourceLabels = indices.Select(i => data.Labels?[i] ?? -1).ToArray();
            return;
        }

        if (data.Labels is null) throw new ArgumentException($"{request.Mode} generation needs a labelled dataset");
        var present = data.Labels.Distinct().Order().ToArray();
        _classes = request.Classes is null ? present : request.Classes.Distinct().Order().ToArray();
        foreach (var c in _classes)
            if (Array.IndexOf(present, c) < 0) throw new ArgumentException($"class {c} has no images in the dataset");
        if (_classes.Length == 0) throw new ArgumentException("no classes to generate");
        _means = model.EncodeMeans(data);
        _classMembers = _classes.Select(c => Enumerable.Range(0, data.Count).Where(i => data.Labels[i] == c).ToArray()).ToArray();
        if (request.Mode == GenerationMode.Interpolate)
        {
            foreach (var (c, members) in _classes.Zip(_classMembers))
                if (members.Length < 2) throw new ArgumentException($"class {c} has fewer than 2 images, so no pair to interpolate");
            return;
        }
        _classMean = new float[_classes.Length][];
        _classStd = new float[_classes.Length][];
        for (var k = 0; k < _classes.Length; k++) (_classMean[k], _classStd[k]) = FitDiagonalGaussian(_means, _latent, _classMembers[k]);
    }

    /// <summary>Fills z:(n,L) and labels:(n) with the next n draws.</summary>
    public void Next(Span<float> z, Span<int> labels, int n)
    {
        for (var i = 0; i < n; i++, _drawn++)
        {
            var row = z.Slice(i * _latent, _latent);
            if (_conditional && _request.Mode == GenerationMode.Prior)
            {
                _rng.FillGaussian(row, _request.Temperature);
                labels[i] = _classes[_drawn % _classes.Length]; // round-robin: balanced counts whatever the RNG
                continue;
            }
            switch (_request.Mode)
            {
                case GenerationMode.Prior:
                    _rng.FillGaussian(row, _request.Temperature);
                    labels[i] = -1;
                    break;
                case GenerationMode.Variations:
                {
                    var source = _drawn % _sourceLabels.Length;
                    for (var j = 0; j < _latent; j++)
                        row[j] = _means[source * _latent + j] + _request.Spread * _sigmas[source * _latent + j] * _rng.NextGaussian();
                    labels[i] = _sourceLabels[source];
                    break;
                }
                case GenerationMode.PerClass:
                {
                    // Round-robin over classes gives balanced counts that do not depend on the RNG.
                    var k = _drawn % _classes.Length;
                    for (var j = 0; j < _latent; j++)
                        row[j] = _classMean[k][j] + _request.Temperature * _classStd[k][j] * _rng.NextGaussian();
                    labels[i] = _classes[k];
                    break;
                }
                case GenerationMode.Interpolate:
                {
                    var k = _drawn % _classes.Length;
                    var members = _classMembers[k];
                    var first = _rng.NextInt(members.Length);
                    var second = _rng.NextInt(members.Length - 1);
                    if (second >= first) second++; // two distinct images
                    var t = _rng.NextDouble();
                    Slerp(_means.AsSpan(members[first] * _latent, _latent), _means.AsSpan(members[second] * _latent, _latent), t, row);
                    labels[i] = _classes[k];
                    break;
                }
            }
        }
    }

    // One point of Vae.InterpolateLatents' curve at an arbitrary t (that one walks a fixed grid of steps).
    internal static void Slerp(ReadOnlySpan<float> a, ReadOnlySpan<float> b, double t, Span<float> destination)
    {
        double dot = 0, normA = 0, normB = 0;
        for (var j = 0; j < a.Length; j++)
        {
            dot += (double)a[j] * b[j];
            normA += (double)a[j] * a[j];
            normB += (double)b[j] * b[j];
        }
        var omega = Math.Acos(Math.Clamp(dot / Math.Sqrt(normA * normB), -1, 1));
        double wa = 1 - t, wb = t;
        if (normA > 0 && normB > 0 && Math.Sin(omega) > 1e-6)
        {
            wa = Math.Sin((1 - t) * omega) / Math.Sin(omega);
            wb = Math.Sin(t * omega) / Math.Sin(omega);
        }
        for (var j = 0; j < a.Length; j++) destination[j] = (float)(wa * a[j] + wb * b[j]);
    }

    // means:(N,L), members -> per-dimension mean and standard deviation of those rows
    internal static (float[] Mean, float[] Std) FitDiagonalGaussian(float[] means, int latent, int[] members)
    {
        var mean = new double[latent];
        var square = new double[latent];
        foreach (var m in members)
            for (var j = 0; j < latent; j++)
            {
                double v = means[m * latent + j];
                mean[j] += v;
                square[j] += v * v;
            }
        var mu = new float[latent];
        var std = new float[latent];
        for (var j = 0; j < latent; j++)
        {
            var mj = mean[j] / members.Length;
            mu[j] = (float)mj;
            std[j] = (float)Math.Sqrt(Math.Max(0, square[j] / members.Length - mj * mj));
        }
        return (mu, std);
    }
}
