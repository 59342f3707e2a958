using VaeWorkbench.Engine.Scoring;

namespace VaeWorkbench.Engine.Tests.Scoring;

public class LatentGaussianTests
{
    [Fact]
    public void AxisAlignedPointsGiveTheHandComputedDistance()
    {
        // mean 0, var x = 2/3, var y = 8/3 (n − 1 = 3), no correlation
        float[] codes = [1, 0, -1, 0, 0, 2, 0, -2];
        var g = LatentGaussian.Fit(codes, 4, 2, ridge: 0);
        Assert.Equal([0, 0], g.Mean);
        Assert.Equal(2.0 / 3, g.Covariance[0], 12);
        Assert.Equal(8.0 / 3, g.Covariance[3], 12);
        Assert.Equal(0, g.Covariance[1], 12);
        var d = g.Distance([1, 1, 0, 0], 2);
        Assert.Equal(Math.Sqrt(1.5 + 0.375), d[0], 12);
        Assert.Equal(0, d[1], 12);
    }

    [Fact]
    public void CorrelatedPointsMatchTheExplicitInverse()
    {
        float[] codes = [1, 2, 2, 3, 3, 5, 4, 4, 0, -1, 2, 1];
        var g = LatentGaussian.Fit(codes, 6, 2, ridge: 0.1);
        // naive reference: mean, covariance, +ridge, 2×2 inverse by the adjugate
        double mx = codes.Where((_, i) => i % 2 == 0).Average(v => (double)v), my = codes.Where((_, i) => i % 2 == 1).Average(v => (double)v);
        double sxx = 0, syy = 0, sxy = 0;
        for (var i = 0; i < 6; i++)
        {
            sxx += (codes[2 * i] - mx) * (codes[2 * i] - mx);
            syy += (codes[2 * i + 1] - my) * (codes[2 * i + 1] - my);
            sxy += (codes[2 * i] - mx) * (codes[2 * i + 1] - my);
        }
        double a = sxx / 5 + 0.1, b = sxy / 5, c = syy / 5 + 0.1, det = a * c - b * b;
        double dx = 5 - mx, dy = -2 - my;
        var expected = Math.Sqrt((c * dx * dx - 2 * b * dx * dy + a * dy * dy) / det);
        Assert.Equal(expected, g.Distance([5, -2], 1)[0], 10);
        Assert.Equal(b, g.Covariance[1], 6);
        Assert.Equal(g.Covariance[1], g.Covariance[2]);
    }

    [Fact]
    public void SamplesFromAKnownGaussianHaveSquaredDistanceNearTheDimension()
    {
        // E[d²] = L for codes drawn from the fitted Gaussian itself (chi-square with L degrees of freedom)
        var rng = new Rng(7);
        const int n = 20_000, latent = 3;
        var codes = new float[n * latent];
        for (var i = 0; i < n; i++)
        {
            float e0 = rng.NextGaussian(), e1 = rng.NextGaussian(), e2 = rng.NextGaussian();
            codes[i * 3] = 2 + 3 * e0;
            codes[i * 3 + 1] = -1 + e0 + 0.5f * e1; // correlated with dim 0
            codes[i * 3 + 2] = 0.01f * e2;          // nearly collapsed
        }
        var g = LatentGaussian.Fit(codes, n, latent, ridge: 1e-6);
        Assert.Equal(9, g.Covariance[0], 0.3);
        Assert.Equal(3, g.Covariance[1], 0.15);
        var meanSquared = g.Distance(codes, n).Average(d => d * d);
        Assert.Equal(latent, meanSquared, 0.05);
    }

    [Fact]
    public void ACollapsedDimensionNeedsTheRidge()
    {
        float[] codes = [1, 5, 2, 5, 3, 5];
        Assert.Throws<ArgumentException>(() => LatentGaussian.Fit(codes, 3, 2, ridge: 0));
        var g = LatentGaussian.Fit(codes, 3, 2);
        Assert.True(double.IsFinite(g.Distance([2, 6], 1)[0]));
    }

    [Fact]
    public void BadInputIsRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => LatentGaussian.Fit([1, 2], 1, 2));
        Assert.Throws<ArgumentException>(() => LatentGaussian.Fit([1, 2, 3], 2, 2));
        var g = LatentGaussian.Fit([1, 2, 3, 5], 2, 2);
        Assert.Throws<ArgumentException>(() => g.Distance([1, 2, 3], 1));
    }
}
