using VaeWorkbench.Imaging.Diagnostics;
using VaeWorkbench.Imaging.Tests.Support;

namespace VaeWorkbench.Imaging.Tests;

/// <summary>A short run of the mutation fuzzer (vae image fuzz runs 10,000+ cases) over every committed corpus file.</summary>
public class FuzzTests
{
    [Fact]
    public void Mutated_files_end_in_an_image_or_InvalidImageException()
    {
        var seeds = Directory.EnumerateFiles(TestImages.CorpusDirectory)
            .Where(p => !p.EndsWith(".ref.pam", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(p => (Path.GetFileName(p), File.ReadAllBytes(p)))
            .ToList();

        var report = MutationFuzzer.Run(seeds, new FuzzOptions { Cases = 600, Seed = 42 });

        Assert.Empty(report.Failures);
        Assert.Equal(600, report.Decoded + report.Rejected);
        Assert.True(report.Decoded > 0 && report.Rejected > 0, "mutations should both survive and break decoding");
    }

    [Theory]
    [InlineData("-4.bmp")]
    [InlineData("-32.bmp")]
    [InlineData("-24-os2.bmp")]
    [InlineData("-P4-trns.png")]
    [InlineData("-RGBA16.png")]
    [InlineData("-trns.gif")]
    [InlineData("-P6-16.ppm")]
    public void Every_header_byte_set_to_telling_values_ends_in_an_image_or_InvalidImageException(string suffix)
    {
        // Structure-aware complement to random mutation: header fields set to sizes, versions and bit counts the
        // parsers branch on, so unusual but reachable combinations (e.g. a V2 header with alpha bit fields) are hit.
        var path = Directory.EnumerateFiles(TestImages.CorpusDirectory).Order(StringComparer.Ordinal).First(p => p.EndsWith(suffix, StringComparison.Ordinal));
        var original = File.ReadAllBytes(path);
        byte[] values = [0, 1, 2, 3, 4, 5, 6, 8, 12, 16, 24, 32, 40, 52, 56, 64, 108, 124, 127, 128, 200, 255];
        for (var offset = 0; offset < Math.Min(96, original.Length); offset++)
            foreach (var value in values)
            {
                var data = (byte[])original.Clone();
                data[offset] = value;
                if (ImageDecoder.DetectFormat(data) == ImageFormat.Png) MutationFuzzer.FixPngCrcs(data);
                var e = Record.Exception(() => ImageDecoder.Decode(data));
                Assert.True(e is null or InvalidImageException, $"byte {offset} = {value}: {e}");
            }
    }

    [Fact]
    public void Mutated_zip_datasets_end_in_entries_or_InvalidImageException()
    {
        var zip = new MemoryStream();
        using (var archive = new System.IO.Compression.ZipArchive(zip, System.IO.Compression.ZipArchiveMode.Create, leaveOpen: true))
            foreach (var path in Directory.EnumerateFiles(TestImages.CorpusDirectory, "*.png").Order(StringComparer.Ordinal).Take(4))
            {
                using var s = archive.CreateEntry("class/" + Path.GetFileName(path)).Open();
                s.Write(File.ReadAllBytes(path));
            }
        var random = new Random(5);
        for (var i = 0; i < 300; i++)
        {
            var (mutant, mutation) = MutationFuzzer.Mutate(zip.ToArray(), random);
            var e = Record.Exception(() => Datasets.DatasetReader.ReadZip(new MemoryStream(mutant)).ToList());
            Assert.True(e is null or InvalidImageException, $"case {i} ({mutation}): {e}");
        }
    }

    [Fact]
    public void Mutated_gzip_idx_files_end_in_images_or_InvalidImageException()
    {
        var output = new MemoryStream();
        using (var gz = new System.IO.Compression.GZipStream(output, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true))
            gz.Write([0, 0, 8, 3, 0, 0, 0, 3, 0, 0, 0, 4, 0, 0, 0, 4, .. Enumerable.Range(0, 48).Select(v => (byte)v)]);
        var random = new Random(6);
        for (var i = 0; i < 300; i++)
        {
            var (mutant, mutation) = MutationFuzzer.Mutate(output.ToArray(), random);
            var e = Record.Exception(() => Formats.IdxReader.ReadImages(new MemoryStream(mutant)));
            Assert.True(e is null or InvalidImageException, $"case {i} ({mutation}): {e}");
        }
    }

    [Fact]
    public void The_crc_fixer_lets_mutations_reach_past_the_png_crc_check()
    {
        var png = Formats.Png.PngEncoder.Encode(TestImages.Random(8, 8, 3, 1));
        png[43] ^= 0xFF; // the first deflate byte of the IDAT data (IHDR ends at 33, IDAT data starts at 41 with the zlib header)
        var withoutFix = Assert.Throws<InvalidImageException>(() => ImageDecoder.Decode(png));
        MutationFuzzer.FixPngCrcs(png);

        var e = Record.Exception(() => ImageDecoder.Decode(png));

        Assert.Contains("IDAT CRC mismatch", withoutFix.Message);
        Assert.True(e is null or InvalidImageException, $"unexpected {e?.GetType().Name}");
        Assert.DoesNotContain("CRC", e?.Message ?? "");
    }
}
