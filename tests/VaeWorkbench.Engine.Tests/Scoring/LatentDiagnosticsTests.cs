using VaeWorkbench.Engine.Scoring;

namespace VaeWorkbench.Engine.Tests.Scoring;

public class LatentDiagnosticsTests
{
    [Fact]
    public void PerDimensionKlIsTheAnalyticGaussianKl()
    {
        // dim 0: μ = ±1, σ² = 1 → KL = ½·1 each; dim 1: μ = 0, σ² = e⁻² → ½(e⁻² − 1 + 2)
        float[] mean = [1, 0, -1, 0];
        float[] logVar = [0, -2, 0, -2];
        var kl = LatentDiagnostics.PerDimensionKl(mean, logVar, 2, 2);
        Assert.Equal(0.5, kl[0], 12);
        Assert.Equal(0.5 * (Math.Exp(-2) + 1), kl[1], 6);
        // The prior itself has zero KL: a collapsed dimension.
        Assert.Equal([0.0], LatentDiagnostics.PerDimensionKl([0f, 0f], [0f, 0f], 2, 1));
    }

    [Fact]
    public void ActiveUnitsCountDimensionsWhoseMeanVariesAcrossImages()
    {
        // dim 0 varies (variance 1), dim 1 is nearly constant (variance 0.0025), dim 2 varies a little (0.04)
        float[] mean = [1, 0.05f, 0.2f, -1, -0.05f, -0.2f];
        Assert.Equal(2, LatentDiagnostics.ActiveUnits(mean, 2, 3));
        Assert.Throws<ArgumentException>(() => LatentDiagnostics.ActiveUnits(mean, 2, 2));
    }
}
