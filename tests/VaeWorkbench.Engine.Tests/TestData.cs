using VaeWorkbench.Engine.Data;
using VaeWorkbench.Engine.Model;

namespace VaeWorkbench.Engine.Tests;

internal static class TestData
{
    public static VaeConfig TinyMlp(ReconstructionKind loss = ReconstructionKind.Bernoulli) =>
        new() { Architecture = VaeArchitecture.Mlp, Channels = 1, Height = 3, Width = 4, Latent = 2, Hidden = [6, 5], Loss = loss, ObservationScale = 0.3f };

    public static VaeConfig TinyConv(int channels = 1) =>
        new() { Architecture = VaeArchitecture.Conv, Channels = channels, Height = 28, Width = 28, Latent = 3, ConvWidths = [2, 3], ConvDense = 4 };

    /// <summary>Images of independent uniform pixels in [0, 1] with labels 0..9 in turn: data of the right shape, not of any structure.</summary>
    public static ImageDataset RandomImages(int count, int channels, int height, int width, ulong seed)
    {
        var rng = new Rng(seed);
        var pixels = new float[count * channels * height * width];
        for (var i = 0; i < pixels.Length; i++) pixels[i] = rng.NextFloat();
        var labels = Enumerable.Range(0, count).Select(i => i % 10).ToArray();
        return new ImageDataset(pixels, count, channels, height, width, labels);
    }
}
