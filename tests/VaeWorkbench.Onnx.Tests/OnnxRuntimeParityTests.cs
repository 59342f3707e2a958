using VaeWorkbench.Engine;
using VaeWorkbench.Engine.Data;
using VaeWorkbench.Engine.Model;

namespace VaeWorkbench.Onnx.Tests;

/// <summary>
/// The exported graphs, run by ONNX Runtime, compute what the engine computes: on 64 test images the encoder's μ and
/// log σ², and the decoder's logits and pixels (from those μ and from prior draws), agree within 1e-4.
/// </summary>
public class OnnxRuntimeParityTests
{
    private const float Tolerance = 1e-4f;
    private const int Images = 64;

    public static TheoryData<string> Cases => [.. ParityCases.All.Keys];

    [Theory]
    [MemberData(nameof(Cases))]
    public void Onnx_runtime_matches_the_engine(string name)
    {
        var (model, images) = ParityCases.All[name]();
        var export = VaeOnnxExporter.Export(TestModels.ThroughFile(model), name);
        var c = model.Config;

        var (mean, logVariance) = model.Encode(images.Pixels, Images);
        using var encoder = new OrtRunner(export.Encoder);
        var encoded = encoder.Run(VaeOnnxExporter.ImageInput, images.Pixels, Images, c.Channels, c.Height, c.Width);
        AssertClose(mean, encoded[VaeOnnxExporter.MeanOutput], "mean");
        AssertClose(logVariance, encoded[VaeOnnxExporter.LogVarianceOutput], "log_variance");
        Assert.True(Spread(mean) > 1e-3, "the codes differ between images, so the comparison means something");

        var prior = new float[Images * c.Latent];
        new Rng(11).FillGaussian(prior);
        using var decoder = new OrtRunner(export.Decoder);
        foreach (var (z, what) in new[] { (mean, "the images' means"), (prior, "prior draws") })
        {
            var decoded = decoder.Run(VaeOnnxExporter.LatentInput, z, Images, c.Latent);
            var logits = model.Decoder.Infer(z, Images).AsSpan(0, Images * c.PixelCount).ToArray();
            AssertClose(logits, decoded[VaeOnnxExporter.LogitsOutput], $"logits of {what}");
            AssertClose(model.Decode(z, Images), decoded[VaeOnnxExporter.PixelsOutput], $"pixels of {what}");
        }
    }

    [Theory]
    [InlineData("conv preset, trained")]
    [InlineData("mlp, 3 hidden, RGB 12x16, gaussian-learned")]
    public void The_batch_dimension_is_dynamic(string name)
    {
        var (model, images) = ParityCases.All[name]();
        var export = VaeOnnxExporter.Export(model, name);
        var c = model.Config;
        using var encoder = new OrtRunner(export.Encoder);
        using var decoder = new OrtRunner(export.Decoder);
        Assert.Equal(-1, encoder.Inputs[VaeOnnxExporter.ImageInput].Dimensions[0]);
        Assert.Equal("batch", encoder.Inputs[VaeOnnxExporter.ImageInput].SymbolicDimensions[0]);
        Assert.Equal([-1, c.Latent], decoder.Inputs[VaeOnnxExporter.LatentInput].Dimensions);
        Assert.Equal([-1, c.Channels, c.Height, c.Width], decoder.Outputs[VaeOnnxExporter.PixelsOutput].Dimensions);

        var all = encoder.Run(VaeOnnxExporter.ImageInput, images.Pixels, Images, c.Channels, c.Height, c.Width)[VaeOnnxExporter.MeanOutput];
        foreach (var (start, count) in new[] { (0, 1), (5, 3), (17, 47) })
        {
            var part = images.Pixels.AsSpan(start * c.PixelCount, count * c.PixelCount).ToArray();
            var mean = encoder.Run(VaeOnnxExporter.ImageInput, part, count, c.Channels, c.Height, c.Width)[VaeOnnxExporter.MeanOutput];
            Assert.Equal(count * c.Latent, mean.Length);
            AssertClose(all.AsSpan(start * c.Latent, count * c.Latent).ToArray(), mean, $"means of a batch of {count}");
            var pixels = decoder.Run(VaeOnnxExporter.LatentInput, mean, count, c.Latent)[VaeOnnxExporter.PixelsOutput];
            Assert.Equal(count * c.PixelCount, pixels.Length);
        }
    }

    private static void AssertClose(float[] engine, float[] onnx, string what)
    {
        var difference = Difference.MaxAbs(engine, onnx);
        Assert.True(difference <= Tolerance, $"{what}: ONNX Runtime differs from the engine by up to {difference:G3} (tolerance {Tolerance})");
    }

    private static float Spread(float[] values) => values.Max() - values.Min();
}

/// <summary>The models the parity tests export: both presets trained briefly on Fashion-MNIST, and the other options at random init.</summary>
internal static class ParityCases
{
    public static readonly Dictionary<string, Func<(Vae Model, ImageDataset Images)>> All = new()
    {
        ["mlp preset, trained"] = () => (TestModels.TrainedBriefly(VaeConfig.MlpPreset(), TestModels.Fashion("train", 2048)), TestModels.Fashion("t10k", 64)),
        ["conv preset, trained"] = () => (TestModels.TrainedBriefly(VaeConfig.ConvPreset(), TestModels.Fashion("train", 1024)), TestModels.Fashion("t10k", 64)),
        ["mlp, 3 hidden, RGB 12x16, gaussian-learned"] = () => (
            new Vae(new VaeConfig { Architecture = VaeArchitecture.Mlp, Channels = 3, Height = 12, Width = 16, Latent = 5, Hidden = [64, 48, 32], Loss = ReconstructionKind.GaussianLearned }, 3),
            TestModels.RandomImages(64, 3, 12, 16, 5)),
        ["conv, one stage, grey 28"] = () => (
            new Vae(new VaeConfig { Architecture = VaeArchitecture.Conv, Latent = 4, ConvWidths = [8], ConvDense = 24, Loss = ReconstructionKind.Mse }, 4),
            TestModels.Fashion("t10k", 64)),
        ["conv, three stages, RGB 32"] = () => (
            new Vae(new VaeConfig { Architecture = VaeArchitecture.Conv, Channels = 3, Height = 32, Width = 32, Latent = 8, ConvWidths = [8, 16, 24], ConvDense = 64 }, 5),
            TestModels.RandomImages(64, 3, 32, 32, 6)),
        ["conv, four stages, RGB 64"] = () => (
            new Vae(new VaeConfig { Architecture = VaeArchitecture.Conv, Channels = 3, Height = 64, Width = 64, Latent = 16, ConvWidths = [8, 16, 32, 32], ConvDense = 96, Loss = ReconstructionKind.Laplace }, 6),
            TestModels.RandomImages(64, 3, 64, 64, 7)),
    };
}
