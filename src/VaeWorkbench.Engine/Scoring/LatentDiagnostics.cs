namespace VaeWorkbench.Engine.Scoring;

/// <summary>Which latent dimensions a trained VAE uses: per-dimension KL and active units (Burda et al., 2016).</summary>
public static class LatentDiagnostics
{
    /// <summary>A dimension whose average KL to the prior is below this (nats) carries no information: it has collapsed.</summary>
    public const double CollapsedKl = 0.01;

    /// <summary>Burda et al.'s cut-off: a unit is active when Var_x(E_q[z_j | x]) exceeds it.</summary>
    public const double ActiveVariance = 0.01;

    // μ, log σ²:(n,L) -> (L) mean over images of ½(μ² + σ² − 1 − log σ²)
    public static double[] PerDimensionKl(ReadOnlySpan<float> mean, ReadOnlySpan<float> logVariance, int count, int latent)
    {
        Check(mean, count, latent);
        if (logVariance.Length != mean.Length) throw new ArgumentException("mean and log-variance differ in length");
        var kl = new double[latent];
        for (var i = 0; i < count; i++)
            for (var j = 0; j < latent; j++)
            {
                double mu = mean[i * latent + j], lv = logVariance[i * latent + j];
                kl[j] += 0.5 * (mu * mu + Math.Exp(lv) - 1 - lv);
            }
        for (var j = 0; j < latent; j++) kl[j] /= count;
        return kl;
    }

    // μ:(n,L) -> number of j with Var_i(μ_ij) > ActiveVariance (population variance)
    public static int ActiveUnits(ReadOnlySpan<float> mean, int count, int latent)
    {
        Check(mean, count, latent);
        var active = 0;
        for (var j = 0; j < latent; j++)
        {
            double sum = 0, sumSquares = 0;
            for (var i = 0; i < count; i++)
            {
                double v = mean[i * latent + j];
                sum += v;
                sumSquares += v * v;
            }
            var variance = sumSquares / count - (sum / count) * (sum / count);
            if (variance > ActiveVariance) active++;
        }
        return active;
    }

    private static void Check(ReadOnlySpan<float> mean, int count, int latent)
    {
        if (count <= 0 || latent <= 0) throw new ArgumentOutOfRangeException(nameof(count), "count and latent must be positive");
        if (mean.Length != (long)count * latent) throw new ArgumentException($"expected {count}×{latent} values, got {mean.Length}");
    }
}
