using VaeWorkbench.Engine.Losses;
using VaeWorkbench.Engine.Model;

namespace VaeWorkbench.Engine.Tests.Model;

/// <summary>Reconstruction losses and the KL against closed-form values and finite differences.</summary>
public class LossTests
{
    [Fact]
    public void BceWithLogitsMatchesClosedForm()
    {
        // per pixel: max(s,0) − s·x + log(1 + e^−|s|)
        float[] s = [0f, 2f, -3f, 40f, -40f];
        float[] x = [0.5f, 1f, 0.25f, 0f, 1f];
        var expected = Math.Log(2) + Math.Log(1 + Math.Exp(-2)) + (0.75 + Math.Log(1 + Math.Exp(-3))) + 40 + 40;
        var perImage = new double[1];
        var grad = new float[5];
        new ReconstructionLoss(ReconstructionKind.Bernoulli, 0.1f).Compute(s, x, 1, 5, perImage, grad, 1f);
        Assert.Equal(expected, perImage[0], 4);
        // ∂/∂s = σ(s) − x
        for (var i = 0; i < 5; i++) Assert.Equal(1 / (1 + Math.Exp(-s[i])) - x[i], grad[i], 5);
    }

    [Fact]
    public void GaussianAndLaplaceIncludeTheirNormalisers()
    {
        float[] s = [0f, 0f]; // μ = 0.5
        float[] x = [0.5f, 0.7f];
        var perImage = new double[1];
        const double sigma = 0.1;
        new ReconstructionLoss(ReconstructionKind.Gaussian, 0.1f).Compute(s, x, 1, 2, perImage, default, 0f);
        var gaussian = 2 * (Math.Log(sigma) + 0.5 * Math.Log(2 * Math.PI)) + 0.5 * 0.04 / (sigma * sigma);
        Assert.Equal(gaussian, perImage[0], 4);
        new ReconstructionLoss(ReconstructionKind.Laplace, 0.1f).Compute(s, x, 1, 2, perImage, default, 0f);
        Assert.Equal(2 * Math.Log(2 * 0.1) + 0.2 / 0.1, perImage[0], 4);
        new ReconstructionLoss(ReconstructionKind.Mse, 0.1f).Compute(s, x, 1, 2, perImage, default, 0f);
        Assert.Equal(0.04, perImage[0], 5);
    }

    [Theory]
    [InlineData(ReconstructionKind.Bernoulli)]
    [InlineData(ReconstructionKind.Gaussian)]
    [InlineData(ReconstructionKind.GaussianLearned)]
    [InlineData(ReconstructionKind.Mse)]
    [InlineData(ReconstructionKind.Laplace)]
    public void GradientsMatchFiniteDifferences(ReconstructionKind kind)
    {
        const int batch = 2, pixels = 9;
        var rng = new Rng(5);
        var s = new float[batch * pixels];
        rng.FillGaussian(s);
        var x = Enumerable.Range(0, s.Length).Select(_ => rng.NextFloat()).ToArray();
        var loss = new ReconstructionLoss(kind, 0.3f);
        if (loss.LogVariance is { } lv) lv.Value[0] = -1.2f;
        var perImage = new double[batch];
        var grad = new float[s.Length];
        loss.Compute(s, x, batch, pixels, perImage, grad, 0.5f);
        var logVarianceGrad = loss.LogVariance?.Grad[0];

        double Total()
        {
            loss.Compute(s, x, batch, pixels, perImage, default, 0f);
            return 0.5 * perImage.Sum();
        }

        for (var i = 0; i < s.Length; i++)
            GradientCheck.AssertClose(GradientCheck.Central(ref s[i], 1e-3f, Total), grad[i], 2e-2, $"{kind} ∂/∂s[{i}]");
        if (loss.LogVariance is { } logVariance)
            GradientCheck.AssertClose(GradientCheck.Central(ref logVariance.Value[0], 1e-3f, Total), logVarianceGrad!.Value, 2e-2, "∂/∂log σ²");
    }

    [Fact]
    public void KlMatchesClosedForm()
    {
        // rows [μ ‖ log σ²]: (μ=1, σ²=1) -> ½; (μ=0, σ²=2) -> ½(2 − 1 − log 2); (μ=0, σ²=1) -> 0
        float[] head = [1f, 0f, 0f, 0f, (float)Math.Log(2), 0f];
        var perImage = new double[1];
        KlDivergence.Compute(head, 1, 3, perImage);
        Assert.Equal(0.5 + 0.5 * (1 - Math.Log(2)), perImage[0], 6);
    }

    [Fact]
    public void KlGradientMatchesFiniteDifferencesAndFreeBitsSilenceQuietDimensions()
    {
        const int batch = 3, latent = 2;
        // dimension 0 carries information (large μ); dimension 1 is close to the prior (KL ≈ 0.005 nats)
        float[] head = [2f, 0.1f, 0.3f, -0.05f, -1.5f, 0.05f, 0.1f, 0.1f, 1.8f, -0.1f, -0.2f, 0f];
        var grad = new float[head.Length];
        KlDivergence.AddGradient(head, batch, latent, 1f, 0f, grad);
        var perImage = new double[batch];
        double Total()
        {
            KlDivergence.Compute(head, batch, latent, perImage);
            return perImage.Sum();
        }
        for (var i = 0; i < head.Length; i++) GradientCheck.AssertClose(GradientCheck.Central(ref head[i], 1e-3f, Total), grad[i], 1e-3, $"∂KL/∂head[{i}]");

        var withFreeBits = new float[head.Length];
        KlDivergence.AddGradient(head, batch, latent, 1f, 0.5f, withFreeBits);
        for (var b = 0; b < batch; b++)
        {
            Assert.Equal(grad[b * 4 + 0], withFreeBits[b * 4 + 0]); // μ of the busy dimension keeps its gradient
            Assert.Equal(0f, withFreeBits[b * 4 + 1]);               // the quiet dimension gets none
            Assert.Equal(0f, withFreeBits[b * 4 + 3]);
        }
    }
}
