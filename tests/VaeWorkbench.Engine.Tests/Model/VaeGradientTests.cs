using VaeWorkbench.Engine.Model;

namespace VaeWorkbench.Engine.Tests.Model;

/// <summary>The whole VAE step (encoder, reparameterisation, decoder, recon + β·KL) against finite differences of its loss.</summary>
public class VaeGradientTests
{
    [Theory]
    [InlineData(ReconstructionKind.Bernoulli, 1f)]
    [InlineData(ReconstructionKind.GaussianLearned, 0.5f)]
    [InlineData(ReconstructionKind.Laplace, 2f)]
    public void MlpParameterGradientsMatchFiniteDifferences(ReconstructionKind kind, float beta) =>
        Check(new Vae(TestData.TinyMlp(kind), seed: 3), batch: 3, beta, everyNth: 1);

    [Fact]
    public void ConvParameterGradientsMatchFiniteDifferences() =>
        Check(new Vae(TestData.TinyConv(), seed: 4), batch: 2, beta: 1f, everyNth: 37);

    [Fact]
    public void ColourConvParameterGradientsMatchFiniteDifferences() =>
        Check(new Vae(TestData.TinyConv(channels: 3), seed: 5), batch: 2, beta: 1f, everyNth: 53);

    private static void Check(Vae vae, int batch, float beta, int everyNth)
    {
        var data = TestData.RandomImages(batch, vae.Config.Channels, vae.Config.Height, vae.Config.Width, 9);
        var x = data.Pixels;
        // A fresh RNG with the same seed for every evaluation, so ε (and so the loss) is a smooth function of the weights.
        double Loss()
        {
            var l = vae.TrainBatch(x, x, batch, new Rng(77), beta);
            return (l.Reconstruction + beta * l.Kl) / batch;
        }
        vae.TrainBatch(x, x, batch, new Rng(77), beta);
        var analytic = vae.Parameters.Select(p => (float[])p.Grad.Clone()).ToList();
        var checkedCount = 0;
        for (var p = 0; p < vae.Parameters.Count; p++)
        {
            var parameter = vae.Parameters[p];
            for (var i = p % everyNth; i < parameter.Size; i += everyNth)
            {
                var numeric = GradientCheck.Central(ref parameter.Value[i], 5e-3f, Loss);
                GradientCheck.AssertClose(numeric, analytic[p][i], 3e-2, $"{parameter.Name}[{i}]");
                checkedCount++;
            }
        }
        Assert.True(checkedCount > 20, $"only {checkedCount} gradients were checked");
    }
}
