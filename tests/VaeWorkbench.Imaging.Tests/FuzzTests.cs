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
