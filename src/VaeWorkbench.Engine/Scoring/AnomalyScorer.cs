using VaeWorkbench.Engine.Data;
using VaeWorkbench.Engine.Model;

namespace VaeWorkbench.Engine.Scoring;

/// <summary>
/// Measures an image's lossless compressed length in nats, for the complexity-corrected score. The engine does not
/// know image codecs; the caller supplies one (the CLI and the web app use our PNG encoder, see
/// <c>VaeWorkbench.Imaging.Formats.Png.PngCompressedLength</c>).
/// </summary>
public delegate double CompressedLengthInNats(ReadOnlySpan<float> image);

/// <summary>
/// One score per image for any <see cref="AnomalyMethod"/>, on top of <see cref="Vae.Score"/> (recon/elbo/iwae),
/// the latent Gaussian (latent) and a compressor (complexity).
/// </summary>
public sealed class AnomalyScorer(Vae model)
{
    public Vae Model { get; } = model;

    /// <summary>Reference statistics for <see cref="AnomalyMethod.Latent"/>; fit with <see cref="FitLatent"/>.</summary>
    public LatentGaussian? Latent { get; set; }

    /// <summary>The compressor for <see cref="AnomalyMethod.Complexity"/>.</summary>
    public CompressedLengthInNats? CompressedLength { get; set; }

    /// <summary>Fits the latent Gaussian to μ of the reference images (normally the model's training data).</summary>
    public LatentGaussian FitLatent(ReadOnlySpan<float> referenceImages, int count, double ridge = LatentGaussian.DefaultRidge)
    {
        var mean = Model.Encode(referenceImages, count).Mean;
        Latent = LatentGaussian.Fit(mean, count, Model.Latent, ridge);
        return Latent;
    }

    /// <summary>Fits the latent Gaussian to μ of a whole reference set, encoded a chunk at a time (a set larger than memory).</summary>
    public LatentGaussian FitLatent(IImageSource reference, double ridge = LatentGaussian.DefaultRidge)
    {
        Latent = LatentGaussian.Fit(Model.EncodeMeans(reference), reference.Count, Model.Latent, ridge);
        return Latent;
    }

    /// <summary>images:(count,P) -> scores:(count), higher = less typical. <paramref name="samples"/> is K where it matters.</summary>
    /// <param name="batchDone">Told how many images are scored after each inference batch, for a job's progress.</param>
    /// <param name="classes">classes:(count), each image's own class, for a conditional model (see <see cref="VaeSourceExtensions.ClassesOf"/>).</param>
    public double[] Score(ReadOnlySpan<float> images, int count, AnomalyMethod method, int samples, ulong seed, Action<int>? batchDone = null,
        ReadOnlySpan<int> classes = default)
    {
        switch (method)
        {
            case AnomalyMethod.Recon: return Model.Score(images, count, ScoreMethod.Reconstruction, 1, seed, classes, batchDone);
            case AnomalyMethod.Elbo: return Model.Score(images, count, ScoreMethod.Elbo, samples, seed, classes, batchDone);
            case AnomalyMethod.Iwae: return Model.Score(images, count, ScoreMethod.Iwae, samples, seed, classes, batchDone);
            case AnomalyMethod.Latent:
            {
                var latent = Latent ?? throw new InvalidOperationException("the latent score needs reference statistics: call FitLatent first");
                // Encoding only, one fast pass: its progress is the whole step.
                var distances = latent.Distance(Model.Encode(images, count, classes).Mean, count);
                batchDone?.Invoke(count);
                return distances;
            }
            case AnomalyMethod.Complexity:
            {
                var compressor = CompressedLength ?? throw new InvalidOperationException("the complexity score needs a compressor (CompressedLength)");
                // S(x) = −ELBO(x) − L(x): negative ELBO (an upper bound on −log p(x)) minus the compressed length,
                // both in nats. Simple images compress well and get high likelihood from any model; subtracting L
                // removes that shared complexity effect, leaving how much worse the VAE does than a generic compressor.
                var scores = Model.Score(images, count, ScoreMethod.Elbo, samples, seed, classes, batchDone);
                var pixels = Model.PixelCount;
                for (var i = 0; i < count; i++) scores[i] -= compressor(images.Slice(i * pixels, pixels));
                return scores;
            }
            default: throw new ArgumentOutOfRangeException(nameof(method), method, "unknown anomaly method");
        }
    }
}
