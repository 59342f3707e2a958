using VaeWorkbench.Engine.Scoring;

namespace VaeWorkbench.Engine.Tests.Scoring;

public class LatentProjectionTests
{
    [Fact]
    public void PcaFindsTheKnownAxesAndTheirVariances()
    {
        // Points spread with std 3 along (1,1,0)/√2 and std 1 along (0,0,1), none along (1,−1,0).
        var rng = new Rng(5);
        const int n = 20_000;
        var codes = new float[n * 3];
        for (var i = 0; i < n; i++)
        {
            var a = 3 * rng.NextGaussian();
            var b = rng.NextGaussian();
            codes[i * 3] = 5 + a / MathF.Sqrt(2);
            codes[i * 3 + 1] = -2 + a / MathF.Sqrt(2);
            codes[i * 3 + 2] = b;
        }
        var (points, variance) = LatentProjection.Pca(codes, n, 3);
        Assert.Equal(9, variance[0], 0.4);
        Assert.Equal(1, variance[1], 0.06);
        // The first coordinate is ±a (sign is arbitrary), the second ±b.
        for (var i = 0; i < 50; i++)
        {
            var a = (codes[i * 3] - 5) * MathF.Sqrt(2);
            Assert.Equal(Math.Abs(a), Math.Abs(points[i * 2]), 0.1);
            Assert.Equal(Math.Abs(codes[i * 3 + 2]), Math.Abs(points[i * 2 + 1]), 0.1);
        }
    }

    [Fact]
    public void FirstTwoTakesDimensionsZeroAndOne()
    {
        Assert.Equal([1f, 2f, 4f, 5f], LatentProjection.FirstTwo([1, 2, 3, 4, 5, 6], 2, 3));
        Assert.Equal([7f, 0f], LatentProjection.FirstTwo([7], 1, 1));
        Assert.Throws<ArgumentException>(() => LatentProjection.FirstTwo([1, 2, 3], 2, 2));
    }

    [Fact]
    public void ConstantCodesProjectToZero()
    {
        var (points, variance) = LatentProjection.Pca([1, 1, 1, 1, 1, 1], 3, 2);
        Assert.All(points, p => Assert.Equal(0f, p));
        Assert.Equal([0.0, 0.0], variance);
    }
}
