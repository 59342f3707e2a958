namespace VaeWorkbench.Engine.Scoring;

/// <summary>
/// A Gaussian fitted to encoder means μ:(n,L) — mean plus full covariance with a small ridge — and the Mahalanobis
/// distance of new codes to it. The ridge keeps the Cholesky factor defined when a latent dimension has collapsed
/// (its μ is nearly constant, so its variance is ~0).
/// </summary>
public sealed class LatentGaussian
{
    public const double DefaultRidge = 1e-3;

    private readonly double[] _cholesky; // lower-triangular L with LLᵀ = Σ + ridge·I, row-major (L,L)

    private LatentGaussian(double[] mean, double[] covariance, double[] cholesky)
    {
        Mean = mean;
        Covariance = covariance;
        _cholesky = cholesky;
    }

    public int Dimensions => Mean.Count;
    public IReadOnlyList<double> Mean { get; }
    /// <summary>The sample covariance (divided by n − 1), ridge included, row-major (L,L).</summary>
    public IReadOnlyList<double> Covariance { get; }

    /// <summary>μ:(count,latent) -> the fitted Gaussian. Needs at least 2 codes.</summary>
    public static LatentGaussian Fit(ReadOnlySpan<float> codes, int count, int latent, double ridge = DefaultRidge)
    {
        if (latent <= 0) throw new ArgumentOutOfRangeException(nameof(latent), "latent must be positive");
        if (count < 2) throw new ArgumentOutOfRangeException(nameof(count), "fitting a latent Gaussian needs at least 2 codes");
        if (codes.Length != (long)count * latent) throw new ArgumentException($"expected {count}×{latent} codes, got {codes.Length}");
        if (!(ridge >= 0) || double.IsInfinity(ridge)) throw new ArgumentOutOfRangeException(nameof(ridge), "ridge must be finite and non-negative");
        var (mean, cov) = CodeScatter.Compute(codes, count, latent);
        for (var i = 0; i < cov.Length; i++) cov[i] /= count - 1;
        for (var a = 0; a < latent; a++) cov[a * latent + a] += ridge;
        return new LatentGaussian(mean, cov, Cholesky(cov, latent));
    }

    /// <summary>μ:(count,L) -> sqrt((μ − m)ᵀ Σ⁻¹ (μ − m)) per code, by forward substitution with the Cholesky factor.</summary>
    public double[] Distance(ReadOnlySpan<float> codes, int count)
    {
        var latent = Dimensions;
        if (codes.Length != (long)count * latent) throw new ArgumentException($"expected {count}×{latent} codes, got {codes.Length}");
        var result = new double[count];
        var y = new double[latent];
        for (var i = 0; i < count; i++)
        {
            // Solve L·y = μ − m; then (μ − m)ᵀ Σ⁻¹ (μ − m) = |y|².
            double squared = 0;
            for (var a = 0; a < latent; a++)
            {
                var v = codes[i * latent + a] - Mean[a];
                for (var b = 0; b < a; b++) v -= _cholesky[a * latent + b] * y[b];
                y[a] = v / _cholesky[a * latent + a];
                squared += y[a] * y[a];
            }
            result[i] = Math.Sqrt(squared);
        }
        return result;
    }

    private static double[] Cholesky(double[] matrix, int n)
    {
        var l = new double[n * n];
        for (var i = 0; i < n; i++)
            for (var j = 0; j <= i; j++)
            {
                var sum = matrix[i * n + j];
                for (var k = 0; k < j; k++) sum -= l[i * n + k] * l[j * n + k];
                if (i == j)
                {
                    if (!(sum > 0)) throw new ArgumentException("the latent covariance is not positive definite; use a positive ridge");
                    l[i * n + i] = Math.Sqrt(sum);
                }
                else l[i * n + j] = sum / l[j * n + j];
            }
        return l;
    }
}
