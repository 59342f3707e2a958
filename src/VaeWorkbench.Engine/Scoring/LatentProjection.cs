namespace VaeWorkbench.Engine.Scoring;

/// <summary>Two-dimensional views of latent codes for the latent map: the first two dimensions, or the top-2 PCA projection.</summary>
public static class LatentProjection
{
    // μ:(n,L) -> (n,2): dimensions 0 and 1 (a 1-D latent gets y = 0)
    public static float[] FirstTwo(ReadOnlySpan<float> codes, int count, int latent)
    {
        Check(codes, count, latent);
        var result = new float[count * 2];
        for (var i = 0; i < count; i++)
        {
            result[i * 2] = codes[i * latent];
            result[i * 2 + 1] = latent > 1 ? codes[i * latent + 1] : 0;
        }
        return result;
    }

    /// <summary>
    /// μ:(n,L) -> (n,2) projections onto the two leading principal axes of the centred codes, found by power iteration
    /// with deflation on the L×L covariance (L is small, so this is exact enough and needs no LAPACK).
    /// </summary>
    public static (float[] Points, double[] Variance) Pca(ReadOnlySpan<float> codes, int count, int latent, int iterations = 200)
    {
        Check(codes, count, latent);
        var (mean, cov) = CodeScatter.Compute(codes, count, latent);
        for (var a = 0; a < cov.Length; a++) cov[a] /= count;

        var axes = new double[2][];
        var variance = new double[2];
        for (var c = 0; c < 2; c++)
        {
            var v = new double[latent];
            for (var j = 0; j < latent; j++) v[j] = 1.0 / Math.Sqrt(latent) + 1e-3 * j; // not orthogonal to any axis by accident
            double eigenvalue = 0;
            for (var it = 0; it < iterations; it++)
            {
                var next = new double[latent];
                for (var a = 0; a < latent; a++)
                    for (var b = 0; b < latent; b++) next[a] += cov[a * latent + b] * v[b];
                var norm = Math.Sqrt(next.Sum(x => x * x));
                if (norm == 0) break; // no variance left: the axis is arbitrary and the projection is 0
                for (var a = 0; a < latent; a++) v[a] = next[a] / norm;
                eigenvalue = norm;
            }
            axes[c] = v;
            variance[c] = eigenvalue;
            // Deflate: remove this axis's variance so the next iteration finds the second axis.
            for (var a = 0; a < latent; a++)
                for (var b = 0; b < latent; b++) cov[a * latent + b] -= eigenvalue * v[a] * v[b];
        }
        var points = new float[count * 2];
        for (var i = 0; i < count; i++)
            for (var c = 0; c < 2; c++)
            {
                double dot = 0;
                for (var j = 0; j < latent; j++) dot += (codes[i * latent + j] - mean[j]) * axes[c][j];
                points[i * 2 + c] = (float)dot;
            }
        return (points, variance);
    }

    private static void Check(ReadOnlySpan<float> codes, int count, int latent)
    {
        if (count <= 0 || latent <= 0) throw new ArgumentOutOfRangeException(nameof(count), "count and latent must be positive");
        if (codes.Length != (long)count * latent) throw new ArgumentException($"expected {count}×{latent} codes, got {codes.Length}");
    }
}
