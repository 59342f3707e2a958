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

    /// <summary>
    /// The 64 px preset's shape (three stride-2 stages, narrowed): every parameter tensor moved along its own gradient
    /// changes the loss at the rate |g|. A tensor-wide step lifts the signal well above the loss's rounding (12,288
    /// pixels an image), which single-weight differences of the deep encoder weights do not clear; the layer-level
    /// checks (LayerGradientTests) probe the new stage's geometry weight by weight.
    /// </summary>
    [Fact]
    public void ThreeStageColourConvAt64PxGradientsMatchFiniteDifferencesAlongEachTensor()
    {
        var vae = new Vae(TestData.TinyConv(channels: 3) with { Height = 64, Width = 64, ConvWidths = [2, 3, 4] }, seed: 6);
        var x = TestData.RandomImages(2, 3, 64, 64, 9).Pixels;
        double Loss() => vae.TrainBatch(x, x, 2, new Rng(77), 1f).Total / 2;
        vae.TrainBatch(x, x, 2, new Rng(77), 1f);
        var gradients = vae.Parameters.Select(p => (float[])p.Grad.Clone()).ToList();
        // 0.02 along a unit direction: shorter steps meet the loss's ~1e-4 rounding, longer ones the ReLU kinks of 1,000s of pixels.
        const float step = 0.02f;
        for (var p = 0; p < vae.Parameters.Count; p++)
        {
            var (parameter, g) = (vae.Parameters[p], gradients[p]);
            var norm = Math.Sqrt(g.Sum(v => (double)v * v));
            Assert.True(norm > 0, $"{parameter.Name} got no gradient");
            var saved = (float[])parameter.Value.Clone();
            double At(float sign)
            {
                for (var i = 0; i < g.Length; i++) parameter.Value[i] = saved[i] + (float)(sign * step * g[i] / norm);
                return Loss();
            }
            var numeric = (At(1) - At(-1)) / (2 * step);
            saved.CopyTo(parameter.Value, 0);
            // 5e-3 is the noise floor measured at this step (the deep encoder tensors' |g| is only ~0.02 at initialisation).
            Assert.True(Math.Abs(numeric - norm) <= 0.1 * norm + 5e-3, $"{parameter.Name}: along the gradient the loss changes at {numeric}, but |g| = {norm}");
        }
    }

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

    [Fact]
    public void PresetsHaveThePyTorchParameterCounts()
    {
        // torch: sum(p.numel() for p in Mlp().parameters()) = 652824; Conv() = 1_688_289 (our one head of 2·latent is their two heads stacked)
        Assert.Equal(652_824, new Vae(VaeConfig.MlpPreset(), 1).ParameterCount);
        Assert.Equal(1_688_289, new Vae(VaeConfig.ConvPreset(), 1).ParameterCount);
    }

    [Fact]
    public void AbsurdConfigsFailBeforeAllocating()
    {
        var e = Assert.Throws<ArgumentException>(() => new Vae(VaeConfig.MlpPreset() with { Hidden = [65536, 65536] }, 1));
        Assert.Contains("parameters", e.Message);
        Assert.Throws<ArgumentException>(() => new Vae(VaeConfig.ConvPreset() with { Height = 30, Width = 30 }, 1));
        Assert.Throws<ArgumentException>(() => new Vae(VaeConfig.MlpPreset() with { Channels = 2 }, 1));
    }

    [Fact]
    public void TheEncodersFirstComputingLayerSkipsTheUnneededInputGradient()
    {
        var grey = new Vae(VaeConfig.ConvPreset(), 1);
        Assert.False(grey.Encoder.Layers[0].NeedsInputGradient);
        var colour = new Vae(VaeConfig.ConvPreset(channels: 3), 1);
        Assert.IsType<Engine.Layers.ChannelsLast>(colour.Encoder.Layers[0]);
        Assert.False(colour.Encoder.Layers[1].NeedsInputGradient); // the conv behind the channel permutation
        Assert.True(colour.Encoder.Layers[2].NeedsInputGradient);
        Assert.True(colour.Decoder.Layers[0].NeedsInputGradient); // the decoder's dz feeds the encoder
    }
}
