namespace VaeWorkbench.Imaging.Tests.Support;

internal static class TestImages
{
    public static string CorpusDirectory => Path.Combine(AppContext.BaseDirectory, "TestData", "corpus");

    public static Image Random(int width, int height, int channels, int seed)
    {
        var pixels = new byte[width * height * channels];
        new Random(seed).NextBytes(pixels);
        return new Image(width, height, channels, pixels);
    }

    /// <summary>A smooth image (gradients), which compresses and filters like a photo rather than like noise.</summary>
    public static Image Gradient(int width, int height, int channels)
    {
        var pixels = new byte[width * height * channels];
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
                for (var c = 0; c < channels; c++)
                    pixels[(y * width + x) * channels + c] = (byte)((x * 255 / Math.Max(1, width - 1) + y * 3 + c * 40) & 0xFF);
        return new Image(width, height, channels, pixels);
    }

    /// <summary>
    /// Brings any decode to RGBA on a 16-bit scale (grey repeated, missing alpha opaque), so a reference that writes
    /// a palette image as RGB or a 4-bit grey as maxval 15 compares equal to the same values written differently.
    /// </summary>
    public static long[] Rgba16(SampleImage image)
    {
        var count = image.Width * image.Height;
        var result = new long[count * 4];
        for (var i = 0; i < count; i++)
        {
            var p = image.Samples.AsSpan(i * image.Channels, image.Channels);
            Span<long> rgba = image.Channels switch
            {
                1 => [p[0], p[0], p[0], image.MaxValue],
                2 => [p[0], p[0], p[0], p[1]],
                3 => [p[0], p[1], p[2], image.MaxValue],
                _ => [p[0], p[1], p[2], p[3]],
            };
            for (var c = 0; c < 4; c++) result[i * 4 + c] = (long)Math.Round(rgba[c] * 65535.0 / image.MaxValue);
        }
        return result;
    }

    public static SampleImage ToSamples(Image image) => Formats.Pnm.PnmEncoder.ToSamples(image);
}
