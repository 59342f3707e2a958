using System.IO.Compression;
using VaeWorkbench.Imaging.Formats.Png;
using VaeWorkbench.Imaging.Transforms;

namespace VaeWorkbench.Imaging.Tests;

public class PngCompressedLengthTests
{
    [Fact]
    public void LengthIsThePngFileOfTheQuantisedImageInNats()
    {
        var rng = new Random(5);
        var chw = Enumerable.Range(0, 28 * 28).Select(_ => (float)rng.NextDouble()).ToArray();
        var bytes = PngEncoder.Encode(TensorConversion.FromChw(chw, 1, 28, 28), CompressionLevel.SmallestSize).Length;
        Assert.Equal(bytes, PngCompressedLength.Bytes(chw, 1, 28, 28));
        Assert.Equal(8 * Math.Log(2) * bytes, PngCompressedLength.Nats(chw, 1, 28, 28), 9);
    }

    [Fact]
    public void SimpleImagesAreShorterThanNoise()
    {
        var flat = new float[28 * 28];
        var rng = new Random(6);
        var noise = Enumerable.Range(0, 28 * 28).Select(_ => (float)rng.NextDouble()).ToArray();
        Assert.True(PngCompressedLength.Bytes(flat, 1, 28, 28) * 5 < PngCompressedLength.Bytes(noise, 1, 28, 28));
    }
}
