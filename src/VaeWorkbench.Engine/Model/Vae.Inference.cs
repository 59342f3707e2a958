using VaeWorkbench.Engine.Losses;

namespace VaeWorkbench.Engine.Model;

public enum ScoreMethod
{
    /// <summary>−log p(x | z = μ): how badly the mean code reconstructs the image.</summary>
    Reconstruction,
    /// <summary>Negative ELBO, recon with sampled z plus KL, averaged over K samples.</summary>
    Elbo,
    /// <summary>−log of the importance-weighted estimate of p(x) with K samples (the IWAE bound).</summary>
    Iwae,
}

/// <summary>Inference: encode, decode, sample, interpolate, traverse and score. Images are (n, C·H·W) in [0, 1].</summary>
public sealed partial class Vae
{
    private const int InferenceBatch = 256;
    private static readonly double LogTwoPi = Math.Log(2 * Math.PI);

    /// <summary>x:(n,P), classes:(n) for a conditional model -> μ:(n,L), log σ²:(n,L).</summary>
    public (float[] Mean, float[] LogVariance) Encode(ReadOnlySpan<float> images, int count, ReadOnlySpan<int> classes = default)
    {
        CheckImages(images, count);
        var mean = new float[count * Latent];
        var logVariance = new float[count * Latent];
        var input = new float[Math.Min(count, InferenceBatch) * PixelCount];
        for (var start = 0; start < count; start += InferenceBatch)
        {
            var n = Math.Min(InferenceBatch, count - start);
            images.Slice(start * PixelCount, n * PixelCount).CopyTo(input);
            SetClasses(classes, start, n, count);
            var head = Encoder.Infer(input, n);
            for (var b = 0; b < n; b++)
            {
                head.AsSpan(b * 2 * Latent, Latent).CopyTo(mean.AsSpan((start + b) * Latent));
                head.AsSpan(b * 2 * Latent + Latent, Latent).CopyTo(logVariance.AsSpan((start + b) * Latent));
            }
        }
        return (mean, logVariance);
    }

    /// <summary>z:(n,L), classes:(n) for a conditional model -> pixels:(n,P), the decoder's mean image σ(logits).</summary>
    /// <summary>
    /// Told, after each inference batch of <see cref="Decode"/>, how many samples that batch turned into pixels: a
    /// generation job moves its progress bar by it. Set by whoever owns this instance; never shared between jobs.
    /// </summary>
    public Action<int>? BatchDecoded { get; set; }

    public float[] Decode(ReadOnlySpan<float> latents, int count, ReadOnlySpan<int> classes = default)
    {
        if (count <= 0 || latents.Length != count * Latent) throw new ArgumentException($"expected {count}×{Latent} latent values, got {latents.Length}");
        var pixels = new float[count * PixelCount];
        var input = new float[Math.Min(count, InferenceBatch) * Latent];
        for (var start = 0; start < count; start += InferenceBatch)
        {
            var n = Math.Min(InferenceBatch, count - start);
            latents.Slice(start * Latent, n * Latent).CopyTo(input);
            SetClasses(classes, start, n, count);
            var logits = Decoder.Infer(input, n);
            var first = start;
            // σ is an exp per pixel: on one thread it took as long as the decoder's smaller GEMM (bench generate-breakdown).
            Parallelism.For(n, Threads, 16, (r0, r1) => ReconstructionLoss.ToPixels(
                logits.AsSpan(r0 * PixelCount, (r1 - r0) * PixelCount), pixels.AsSpan((first + r0) * PixelCount, (r1 - r0) * PixelCount)));
            BatchDecoded?.Invoke(n);
        }
        return pixels;
    }

    /// <summary>Decodes each image's mean code (at the image's own class for a conditional model).</summary>
    public float[] Reconstruct(ReadOnlySpan<float> images, int count, ReadOnlySpan<int> classes = default) =>
        Decode(Encode(images, count, classes).Mean, count, classes);

    /// <summary>Decodes z ~ N(0, temperature²·I), reproducibly from <paramref name="seed"/> (at the given classes for a conditional model).</summary>
    public float[] Sample(int count, float temperature, ulong seed, ReadOnlySpan<int> classes = default)
    {
        if (count <= 0) throw new ArgumentOutOfRangeException(nameof(count), "count must be positive");
        if (!float.IsFinite(temperature) || temperature < 0) throw new ArgumentOutOfRangeException(nameof(temperature), "temperature must be finite and non-negative");
        var z = new float[count * Latent];
        new Rng(seed).FillGaussian(z, temperature);
        return Decode(z, count, classes);
    }

    /// <summary>
    /// Decodes <paramref name="steps"/> points from μ(a) to μ(b): straight line, or spherical (slerp, which keeps the
    /// norm typical of the prior instead of cutting through its low-density centre). A conditional model encodes and
    /// decodes every point at the one class <paramref name="label"/>, so only the style moves.
    /// </summary>
    public float[] Interpolate(ReadOnlySpan<float> imageA, ReadOnlySpan<float> imageB, int steps, bool spherical, int? label = null)
    {
        if (steps < 2) throw new ArgumentOutOfRangeException(nameof(steps), "interpolation needs at least 2 steps");
        var both = new float[2 * PixelCount];
        imageA.CopyTo(both);
        imageB.CopyTo(both.AsSpan(PixelCount));
        var mean = Encode(both, 2, Repeat(label, 2)).Mean;
        var z = InterpolateLatents(mean.AsSpan(0, Latent), mean.AsSpan(Latent, Latent), steps, spherical);
        return Decode(z, steps, Repeat(label, steps));
    }

    internal static float[] InterpolateLatents(ReadOnlySpan<float> a, ReadOnlySpan<float> b, int steps, bool spherical)
    {
        var latent = a.Length;
        var z = new float[steps * latent];
        double dot = 0, normA = 0, normB = 0;
        for (var j = 0; j < latent; j++)
        {
            dot += (double)a[j] * b[j];
            normA += (double)a[j] * a[j];
            normB += (double)b[j] * b[j];
        }
        var omega = Math.Acos(Math.Clamp(dot / Math.Sqrt(normA * normB), -1, 1));
        // Nearly parallel (or a zero vector): slerp's sin(Ω) denominator vanishes and lerp is the same curve.
        var useSlerp = spherical && normA > 0 && normB > 0 && Math.Sin(omega) > 1e-6;
        for (var s = 0; s < steps; s++)
        {
            var t = (double)s / (steps - 1);
            double wa = 1 - t, wb = t;
            if (useSlerp)
            {
                wa = Math.Sin((1 - t) * omega) / Math.Sin(omega);
                wb = Math.Sin(t * omega) / Math.Sin(omega);
            }
            for (var j = 0; j < latent; j++) z[s * latent + j] = (float)(wa * a[j] + wb * b[j]);
        }
        return z;
    }

    /// <summary>Decodes μ(x) with latent dimension <paramref name="dimension"/> set to <paramref name="steps"/> values from <paramref name="from"/> to <paramref name="to"/>.</summary>
    public float[] Traverse(ReadOnlySpan<float> image, int dimension, float from, float to, int steps, int? label = null)
    {
        if ((uint)dimension >= (uint)Latent) throw new ArgumentOutOfRangeException(nameof(dimension), $"dimension must be in [0, {Latent})");
        if (steps < 2) throw new ArgumentOutOfRangeException(nameof(steps), "a traversal needs at least 2 steps");
        var mean = Encode(image, 1, Repeat(label, 1)).Mean;
        var z = new float[steps * Latent];
        for (var s = 0; s < steps; s++)
        {
            mean.CopyTo(z.AsSpan(s * Latent));
            z[s * Latent + dimension] = from + (to - from) * s / (steps - 1);
        }
        return Decode(z, steps, Repeat(label, steps));
    }

    /// <summary>One score per image, in nats; higher means less typical (a better anomaly candidate).</summary>
    /// <param name="batchDone">Told how many images are scored after each inference batch, for a job's progress.</param>
    public double[] Score(ReadOnlySpan<float> images, int count, ScoreMethod method, int samples, ulong seed, ReadOnlySpan<int> classes = default, Action<int>? batchDone = null)
    {
        CheckImages(images, count);
        if (samples is <= 0 or > 100_000) throw new ArgumentOutOfRangeException(nameof(samples), "samples must be between 1 and 100000");
        var k = method == ScoreMethod.Reconstruction ? 1 : samples;
        var rng = new Rng(seed);
        var scores = new double[count];
        var input = new float[Math.Min(count, InferenceBatch) * PixelCount];
        var z = new float[Math.Min(count, InferenceBatch) * Latent];
        var logWeights = new double[k * Math.Min(count, InferenceBatch)];
        for (var start = 0; start < count; start += InferenceBatch)
        {
            var n = Math.Min(InferenceBatch, count - start);
            images.Slice(start * PixelCount, n * PixelCount).CopyTo(input);
            SetClasses(classes, start, n, count); // the decoder passes below keep the same classes
            var head = (float[])Encoder.Infer(input, n).Clone(); // the decoder pass must not disturb μ, log σ²
            EnsureBatch(n);
            KlDivergence.Compute(head, n, Latent, _kl);
            for (var s = 0; s < k; s++)
            {
                // log p(z) − log q(z|x) = Σ_j ½(ε² + lv − z²), where z = μ + σε
                var logPriorRatio = new double[n];
                for (var b = 0; b < n; b++)
                {
                    double ratio = 0;
                    for (var j = 0; j < Latent; j++)
                    {
                        var mu = head[b * 2 * Latent + j];
                        var logVar = head[b * 2 * Latent + Latent + j];
                        var eps = method == ScoreMethod.Reconstruction ? 0f : rng.NextGaussian();
                        var zj = mu + eps * MathF.Exp(0.5f * logVar);
                        z[b * Latent + j] = zj;
                        ratio += 0.5 * ((double)eps * eps + logVar - (double)zj * zj);
                    }
                    logPriorRatio[b] = ratio;
                }
                var logits = Decoder.Infer(z, n);
                Likelihood.Compute(logits, input, n, PixelCount, _recon, default, 0f);
                for (var b = 0; b < n; b++)
                {
                    logWeights[s * n + b] = method switch
                    {
                        ScoreMethod.Reconstruction => _recon[b],
                        ScoreMethod.Elbo => _recon[b] + _kl[b],
                        _ => -_recon[b] + logPriorRatio[b],
                    };
                }
            }
            for (var b = 0; b < n; b++)
            {
                if (method == ScoreMethod.Iwae)
                {
                    // −log (1/K Σ_k w_k) with log-sum-exp for stability
                    var max = double.NegativeInfinity;
                    for (var s = 0; s < k; s++) max = Math.Max(max, logWeights[s * n + b]);
                    double sum = 0;
                    for (var s = 0; s < k; s++) sum += Math.Exp(logWeights[s * n + b] - max);
                    scores[start + b] = -(max + Math.Log(sum / k));
                }
                else
                {
                    double sum = 0;
                    for (var s = 0; s < k; s++) sum += logWeights[s * n + b];
                    scores[start + b] = sum / k;
                }
            }
            batchDone?.Invoke(start + n);
        }
        return scores;
    }

    private void CheckImages(ReadOnlySpan<float> images, int count)
    {
        if (count <= 0) throw new ArgumentOutOfRangeException(nameof(count), "count must be positive");
        if (images.Length != (long)count * PixelCount)
            throw new ArgumentException($"expected {count} images of {PixelCount} values ({Config.Channels}x{Config.Height}x{Config.Width}), got {images.Length} values");
    }
}
