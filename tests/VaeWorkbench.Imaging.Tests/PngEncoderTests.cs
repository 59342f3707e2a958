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
    public void Crc32_matches_the_bitwise_reference_and_the_check_value_at_every_length_around_the_folding_paths()
    {
        Assert.Equal(0xCBF43926u, Crc32.Compute("123456789"u8));
        Assert.Equal(0xCBF43926u, Crc32.Finish(Crc32.UpdateTables(Crc32.Start, "123456789"u8)));
        var random = new Random(3);
        // 0..300 covers the table path (< 64), one to four 64-byte folds, 16-byte folds and every tail length.
        for (var length = 0; length <= 300; length++)
        {
            var data = new byte[length];
            random.NextBytes(data);
            var expected = Crc32.ComputeNaive(data);
            Assert.Equal(expected, Crc32.Compute(data));
            Assert.Equal(expected, Crc32.Finish(Crc32.UpdateTables(Crc32.Start, data)));
            var split = length / 3; // a running CRC carries over between calls, whichever path each part takes
            Assert.Equal(expected, Crc32.Finish(Crc32.Update(Crc32.Update(Crc32.Start, data.AsSpan(0, split)), data.AsSpan(split))));
        }
        var large = new byte[1 << 16];
        random.NextBytes(large);
        Assert.Equal(Crc32.ComputeNaive(large), Crc32.Compute(large));
    }

    [Fact]
    public void Vectorised_filter_choice_matches_the_apply_and_score_reference_for_every_width_and_pixel_size()
    {
        var random = new Random(11);
        var chosen = new HashSet<int>();
        for (var bpp = 1; bpp <= 4; bpp++)
            for (var width = 1; width <= 70; width++)
                for (var trial = 0; trial < 6; trial++)
                {
                    var row = new byte[width * bpp];
                    var prior = new byte[width * bpp];
                    // Small values near a level (smooth images), noise, and extremes exercise every filter's win and the ties.
                    var level = random.Next(256);
                    for (var i = 0; i < row.Length; i++)
                    {
                        row[i] = (byte)(trial switch { 0 => random.Next(256), 1 => level + random.Next(3), 2 => 0, 3 => 255, _ => level + i * trial });
                        prior[i] = (byte)(trial == 4 ? row[i] : random.Next(256));
                    }
                    var expected = PngRowFilters.ChooseNaive(row, prior, bpp);
                    Assert.Equal(expected, PngRowFilters.Choose(row, prior, bpp));
                    Assert.Equal(expected, PngRowFilters.ChooseScalar(row, prior, bpp));

                    // The vectorised bytes of the chosen filter equal the scalar filter's.
                    var vectorised = new byte[row.Length];
                    Assert.Equal(expected, PngFilterScores.ChooseAndFilter(row, prior, bpp, new long[5], vectorised));
                    var scalar = new byte[row.Length];
                    PngEncoder.Filter(expected, row, prior, bpp, scalar);
                    Assert.Equal(scalar, vectorised);
                    chosen.Add(expected);
                }
        Assert.Equal([0, 1, 2, 3, 4], chosen.Order()); // every filter's vector path was checked
    }

    [Fact]
    public void Whole_image_filtering_matches_the_row_by_row_reference()
    {
        // Widths around the 32-byte vector, one-row and tall images, every pixel size; the first row has zeros above.
        var random = new Random(12);
        for (var bpp = 1; bpp <= 4; bpp++)
            foreach (var (width, height) in new[] { (1, 1), (28, 28), (31, 3), (32, 2), (33, 5), (70, 9), (9, 40) })
            {
                var pixels = new byte[width * height * bpp];
                for (var i = 0; i < pixels.Length; i++) pixels[i] = (byte)(i % 7 == 0 ? random.Next(256) : 100 + i % 5);
                var stride = width * bpp;
                var expected = new byte[height * (stride + 1)];
                for (var y = 0; y < height; y++)
                {
                    var row = pixels.AsSpan(y * stride, stride);
                    var prior = y == 0 ? new byte[stride] : pixels.AsSpan((y - 1) * stride, stride);
                    var filter = PngRowFilters.ChooseNaive(row, prior, bpp);
                    expected[y * (stride + 1)] = (byte)filter;
                    PngEncoder.Filter(filter, row, prior, bpp, expected.AsSpan(y * (stride + 1) + 1, stride));
                }
                var actual = new byte[expected.Length];
                PngFilterScores.FilterAll(pixels, height, stride, bpp, actual);
                Assert.Equal(expected, actual);
            }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Fastest_level_uses_our_deflate_and_round_trips_through_both_decoders(int channels)
    {
        foreach (var image in new[] { TestImages.Random(31, 17, channels, channels), TestImages.Gradient(64, 40, channels), TestImages.Random(1, 1, channels, 9) })
        {
            var png = PngEncoder.Encode(image, System.IO.Compression.CompressionLevel.Fastest);
            var idat = PngDecoderTests.PngChunksOf(png).Single(c => c.Type == "IDAT").Body;

            Assert.Equal(Formats.Zlib.ZlibEncoder.ForThisThread.Compress(Formats.Png.PngRowFilters.FilterAll(image)).ToArray(), idat);
            Assert.Equal(image.Pixels, PngDecoder.Decode(png).Pixels);
        }
    }

    [Fact]
    public void Batch_encoding_gives_the_same_files_on_any_thread_count()
    {
        var random = new Random(4);
        var chw = Enumerable.Range(0, 50 * 3 * 9 * 7).Select(_ => random.NextSingle() * 1.2f - 0.1f).ToArray();

        var one = PngBatchEncoder.FromChw(chw, 5, 40, 3, 9, 7, threads: 1);
        var three = PngBatchEncoder.FromChw(chw, 5, 40, 3, 9, 7, threads: 3);

        Assert.Equal(one, three);
        for (var i = 0; i < 40; i++)
        {
            var expected = Transforms.TensorConversion.FromChw(chw.AsSpan((5 + i) * 189, 189), 3, 9, 7);
            Assert.Equal(PngEncoder.Encode(expected, System.IO.Compression.CompressionLevel.Fastest), one[i]);
            Assert.Equal(expected.Pixels, PngDecoder.Decode(one[i]).Pixels);
        }
    }
}
