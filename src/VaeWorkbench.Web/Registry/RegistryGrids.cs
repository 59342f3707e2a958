using VaeWorkbench.Engine.Data;
using VaeWorkbench.Engine.Model;
using VaeWorkbench.Imaging.Formats.Png;
using VaeWorkbench.Imaging.Transforms;

namespace VaeWorkbench.Web.Registry;

/// <summary>The pictures on a model card: decoded prior samples, and originals above their reconstructions.</summary>
internal static class RegistryGrids
{
    public const int SampleCount = 32;
    public const int SampleColumns = 8;
    public const int ReconstructionCount = 8;
    private const ulong SampleSeed = 20261122;

    /// <summary>
    /// Samples from z ~ N(0, I) with a fixed seed, so two versions' grids compare like for like. A conditional model
    /// decodes them at its classes in turn (sample i at class i mod K), so the grid shows every class it can draw.
    /// </summary>
    public static byte[] Samples(Vae model)
    {
        var c = model.Config;
        var pixels = model.Sample(SampleCount, 1f, SampleSeed, model.Conditional ? [.. Enumerable.Range(0, SampleCount).Select(i => i % model.ClassCount)] : default);
        return PngEncoder.Encode(ImageGrid.Compose(pixels, SampleCount, c.Channels, c.Height, c.Width, SampleColumns));
    }

    /// <summary>The first images of the dataset on top, their reconstructions below (a conditional model: each at its own class).</summary>
    public static byte[] Reconstructions(Vae model, ImageDataset images)
    {
        var n = Math.Min(ReconstructionCount, images.Count);
        var originals = images.Pixels.AsSpan(0, n * images.PixelCount);
        var both = new float[2 * originals.Length];
        originals.CopyTo(both);
        model.Reconstruct(originals, n, model.ClassesOf(images, 0, n)).CopyTo(both, originals.Length);
        return PngEncoder.Encode(ImageGrid.Compose(both, 2 * n, images.Channels, images.Height, images.Width, n));
    }
}
