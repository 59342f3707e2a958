using VaeWorkbench.Engine.Model;
using VaeWorkbench.Engine.Optim;
using VaeWorkbench.Engine.Training;

namespace VaeWorkbench.Engine.Tests.Model;

public class InferenceTests
{
    private static readonly Data.ImageDataset Images = TestData.RandomImages(40, 1, 3, 4, 31);

    private static Vae Trained()
    {
        var trainer = new Trainer(new Vae(TestData.TinyMlp(), 1), new TrainingOptions { Epochs = 5, BatchSize = 8, LearningRate = 5e-3f });
        trainer.Run(Images, null);
        return trainer.Model;
    }

    [Fact]
    public void EncodeDecodeAndReconstructAgree()
    {
        var vae = Trained();
        var (mean, logVariance) = vae.Encode(Images.Pixels, Images.Count);
        Assert.Equal(Images.Count * 2, mean.Length);
        Assert.Equal(Images.Count * 2, logVariance.Length);
        var decoded = vae.Decode(mean, Images.Count);
        Assert.Equal(decoded, vae.Reconstruct(Images.Pixels, Images.Count));
        Assert.All(decoded, p => Assert.InRange(p, 0f, 1f));
        // Encoding one image alone gives the same code as in a batch (no cross-talk between samples).
        Assert.Equal(mean[6..8], vae.Encode(Images.Image(3), 1).Mean);
    }

    [Fact]
    public void DecodeTellsHowManySamplesEachInferenceBatchDecoded()
    {
        var vae = new Vae(TestData.TinyMlp(), 1);
        var batches = new List<int>();
        vae.BatchDecoded = batches.Add;
        var latents = new float[600 * vae.Latent];
        var pixels = vae.Decode(latents, 600);
        Assert.Equal([256, 256, 88], batches);
        vae.BatchDecoded = null;
        Assert.Equal(pixels, vae.Decode(latents, 600)); // telling changes nothing decoded
    }

    [Fact]
    public void InferenceCoversMoreImagesThanOneInternalBatch()
    {
        var vae = new Vae(TestData.TinyMlp(), 1);
        var many = TestData.RandomImages(600, 1, 3, 4, 5);
        var all = vae.Encode(many.Pixels, 600).Mean;
        Assert.Equal(vae.Encode(many.Image(599), 1).Mean, all[(599 * 2)..]);
    }

    [Theory]
    [InlineData("mlp", 1)]
    [InlineData("conv", 1)] // its transposed layer rectifies as Winograd writes its output; 37 images = two tail sub-batches
    [InlineData("conv", 3)] // and the RGB last layer runs as direct dot products
    public void Infer_gives_the_bits_of_Forward(string arch, int channels)
    {
        var config = arch == "mlp" ? VaeConfig.MlpPreset(channels) : VaeConfig.ConvPreset(channels);
        var vae = new Vae(config, 3);
        var images = TestData.RandomImages(37, channels, 28, 28, 8);
        var z = new float[37 * vae.Latent];
        new Rng(6).FillGaussian(z);
        vae.Decoder.SetThreads(2);
        vae.Encoder.SetThreads(2);
        var (decoderValues, encoderValues) = (37 * vae.Decoder.OutputSize, 37 * vae.Encoder.OutputSize);
        var decoded = vae.Decoder.Infer(z, 37)[..decoderValues];
        var encoded = vae.Encoder.Infer(images.Pixels, 37)[..encoderValues];
        Assert.Equal(vae.Decoder.Forward(z, 37)[..decoderValues], decoded);
        Assert.Equal(vae.Encoder.Forward(images.Pixels, 37)[..encoderValues], encoded);
        Assert.Contains(vae.Decoder.Layers, layer => layer is Engine.Layers.Relu); // something was fused
    }

    [Theory]
    [InlineData("mlp")]
    [InlineData("conv")]
    public void Infer_follows_the_weights_after_an_optimizer_step(string arch)
    {
        // Infer keeps packed and transformed weights between calls; they must be rebuilt when the weights move.
        var vae = new Vae(arch == "mlp" ? VaeConfig.MlpPreset() : VaeConfig.ConvPreset(), 3);
        var z = new float[5 * vae.Latent];
        new Rng(6).FillGaussian(z);
        var values = 5 * vae.Decoder.OutputSize;
        var before = vae.Decoder.Infer(z, 5)[..values];

        var rng = new Rng(9);
        foreach (var p in vae.Parameters) rng.FillGaussian(p.Grad);
        new Adam(vae.Parameters, new AdamOptions()).Update(0.05f);
        var afterStep = vae.Decoder.Infer(z, 5)[..values];
        Assert.NotEqual(before, afterStep);
        Assert.Equal(vae.Decoder.Forward(z, 5)[..values], afterStep);

    }

    [Fact]
    public void Every_writer_of_weights_announces_the_change()
    {
        var vae = new Vae(TestData.TinyMlp(), 1); // initialised
        Assert.All(vae.Parameters, p => Assert.True(p.Version > 0, p.Name));
        var versions = vae.Parameters.Select(p => p.Version).ToArray();
        new Adam(vae.Parameters, new AdamOptions()).Update(0.01f);
        Assert.All(vae.Parameters.Select((p, i) => (p, i)), x => Assert.True(x.p.Version > versions[x.i], x.p.Name));
        Assert.All(vae.Replicate().Parameters, p => Assert.True(p.Version > 0, p.Name));
        var file = new MemoryStream();
        Engine.IO.ModelFile.Save(file, vae);
        Assert.All(Engine.IO.ModelFile.Load(file.ToArray()).Model.Parameters, p => Assert.True(p.Version > 0, p.Name));
    }

    [Fact]
    public void SamplingIsReproducibleAndTemperatureZeroDecodesTheOrigin()
    {
        var vae = Trained();
        Assert.Equal(vae.Sample(5, 1f, 9), vae.Sample(5, 1f, 9));
        Assert.NotEqual(vae.Sample(5, 1f, 9), vae.Sample(5, 1f, 10));
        Assert.Equal(vae.Decode(new float[2], 1), vae.Sample(1, 0f, 3));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void InterpolationStartsAndEndsAtTheTwoCodes(bool spherical)
    {
        var vae = Trained();
        var path = vae.Interpolate(Images.Image(0), Images.Image(1), 5, spherical);
        Assert.Equal(5 * 12, path.Length);
        var ends = vae.Reconstruct(Images.Pixels.AsSpan(0, 24), 2);
        for (var i = 0; i < 12; i++)
        {
            Assert.Equal(ends[i], path[i], 5);
            Assert.Equal(ends[12 + i], path[4 * 12 + i], 5);
        }
    }

    [Fact]
    public void SlerpKeepsTheNormBetweenEqualLengthCodes()
    {
        float[] a = [3f, 0f];
        float[] b = [0f, 3f];
        var z = Vae.InterpolateLatents(a, b, 3, spherical: true);
        Assert.Equal(3.0, Math.Sqrt(z[2] * z[2] + z[3] * z[3]), 5); // the midpoint stays on the circle
        var lerp = Vae.InterpolateLatents(a, b, 3, spherical: false);
        Assert.Equal(1.5f, lerp[2], 6);
        Assert.Equal(1.5f, lerp[3], 6);
    }

    [Fact]
    public void TraverseVariesOnlyTheChosenDimension()
    {
        var vae = Trained();
        var sweep = vae.Traverse(Images.Image(2), 1, -2f, 2f, 3);
        var mean = vae.Encode(Images.Image(2), 1).Mean;
        Assert.Equal(vae.Decode([mean[0], -2f, mean[0], 0f, mean[0], 2f], 3), sweep);
        Assert.Throws<ArgumentOutOfRangeException>(() => vae.Traverse(Images.Image(2), 2, -1, 1, 3));
    }

    [Fact]
    public void ScoresAreReproducibleAndIwaeIsTighterThanTheElbo()
    {
        var vae = Trained();
        var recon = vae.Score(Images.Pixels, Images.Count, ScoreMethod.Reconstruction, 1, 1);
        var elbo = vae.Score(Images.Pixels, Images.Count, ScoreMethod.Elbo, 20, 1);
        var iwae = vae.Score(Images.Pixels, Images.Count, ScoreMethod.Iwae, 20, 1);
        Assert.Equal(iwae, vae.Score(Images.Pixels, Images.Count, ScoreMethod.Iwae, 20, 1));
        Assert.All(recon.Concat(elbo).Concat(iwae), s => Assert.True(double.IsFinite(s)));
        // −log p(x) ≤ −ELBO: the importance-weighted bound is tighter, so its mean score is lower.
        Assert.True(iwae.Average() < elbo.Average(), $"IWAE {iwae.Average()} vs ELBO {elbo.Average()}");
        // The recon score equals the loss of decoding μ, computed directly.
        var mean = vae.Encode(Images.Image(0), 1).Mean;
        var logits = vae.Decoder.Forward(mean, 1);
        var expected = new double[1];
        vae.Likelihood.Compute(logits, Images.Pixels, 1, 12, expected, default, 0f);
        Assert.Equal(expected[0], recon[0], 9);
    }

    [Fact]
    public void IwaeWithOneSampleIsTheSingleSampleElboEstimate()
    {
        // With K = 1, log w = log p(x|z) + log p(z) − log q(z|x): its mean over many images approaches −ELBO.
        var vae = Trained();
        var iwae1 = vae.Score(Images.Pixels, Images.Count, ScoreMethod.Iwae, 1, 4).Average();
        var elbo = vae.Score(Images.Pixels, Images.Count, ScoreMethod.Elbo, 50, 4).Average();
        Assert.InRange(iwae1, elbo - 0.1 * Math.Abs(elbo), elbo + 0.1 * Math.Abs(elbo));
    }

    [Fact]
    public void BadArgumentsAreRejected()
    {
        var vae = new Vae(TestData.TinyMlp(), 1);
        Assert.Throws<ArgumentException>(() => vae.Encode(new float[11], 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => vae.Sample(0, 1f, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => vae.Sample(1, float.NaN, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => vae.Interpolate(Images.Image(0), Images.Image(1), 1, false));
        Assert.Throws<ArgumentOutOfRangeException>(() => vae.Score(Images.Pixels, Images.Count, ScoreMethod.Iwae, 0, 1));
    }
}
