using VaeWorkbench.Imaging.Formats;
using VaeWorkbench.Imaging.Formats.Png;
using VaeWorkbench.Imaging.Tests.Support;

namespace VaeWorkbench.Imaging.Tests;

public class PngEncoderTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Round_trips_noise_and_gradients_losslessly(int channels)
    {
        foreach (var image in new[] { TestImages.Random(31, 17, channels, channels), TestImages.Gradient(64, 40, channels), TestImages.Random(1, 1, channels, 9) })
        {
            var decoded = PngDecoder.Decode(PngEncoder.Encode(image));

            Assert.Equal((image.Width, image.Height, image.Channels), (decoded.Width, decoded.Height, decoded.Channels));
            Assert.Equal(image.Pixels, decoded.Pixels);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Every_filter_is_undone_exactly_by_the_decoder(int bpp)
    {
        var random = new Random(bpp);
        var prior = new byte[23 * bpp];
        var row = new byte[23 * bpp];
        random.NextBytes(prior);
        random.NextBytes(row);
        for (var filter = 0; filter < 5; filter++)
        {
            var filtered = new byte[row.Length];
            PngEncoder.Filter(filter, row, prior, bpp, filtered);

            PngScanlines.Unfilter((byte)filter, filtered, prior, bpp, 0);

            Assert.Equal(row, filtered);
        }
    }

    [Fact]
    public void Fast_paeth_predictor_matches_the_spec_formula()
    {
        for (var a = 0; a < 256; a++)
            for (var b = 0; b < 256; b++)
                for (var c = 0; c < 256; c += 3)
                    if (PngScanlines.Paeth((byte)a, (byte)b, (byte)c) != PngScanlines.PaethNaive((byte)a, (byte)b, (byte)c))
                        Assert.Fail($"Paeth({a}, {b}, {c})");
    }

    [Fact]
    public void Adaptive_filtering_beats_no_filtering_on_smooth_images()
    {
        var image = TestImages.Gradient(256, 128, 3);
        var adaptive = PngEncoder.Encode(image).Length;
        var unfiltered = new MemoryStream();
        using (var z = new System.IO.Compression.ZLibStream(unfiltered, System.IO.Compression.CompressionLevel.Optimal, leaveOpen: true))
            for (var y = 0; y < image.Height; y++)
            {
                z.WriteByte(0);
                z.Write(image.Pixels, y * image.Stride, image.Stride);
            }

        Assert.True(adaptive < unfiltered.Length, $"adaptive {adaptive} bytes vs unfiltered {unfiltered.Length}");
    }

    [Fact]
    public void Output_is_readable_by_the_chunk_rules_of_the_format()
    {
        var png = PngEncoder.Encode(TestImages.Random(5, 5, 3, 1));
        var chunks = PngDecoderTests.PngChunksOf(png);

        Assert.Equal(["IHDR", "IDAT", "IEND"], chunks.Select(c => c.Type));
        Assert.Equal(new byte[] { 0, 0, 0, 5, 0, 0, 0, 5, 8, 2, 0, 0, 0 }, chunks[0].Body);
    }

    [Fact]
    public void Crc32_table_version_matches_the_bitwise_reference_and_the_check_value()
    {
        Assert.Equal(0xCBF43926u, Crc32.Compute("123456789"u8));
        var random = new Random(3);
        for (var length = 0; length < 70; length++)
        {
            var data = new byte[length];
            random.NextBytes(data);
            Assert.Equal(Crc32.ComputeNaive(data), Crc32.Compute(data));
        }
    }
}
