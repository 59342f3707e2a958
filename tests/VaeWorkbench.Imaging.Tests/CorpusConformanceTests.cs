using VaeWorkbench.Imaging.Formats.Png;
using VaeWorkbench.Imaging.Formats.Pnm;
using VaeWorkbench.Imaging.Tests.Support;

namespace VaeWorkbench.Imaging.Tests;

/// <summary>
/// The committed subset of the conformance corpus (tests/corpus/make_corpus.py): files written by Pillow and netpbm,
/// each with the reference decoders' output beside it (libpng via pngtopnm for PNG, netpbm for PNM, Pillow for BMP
/// and GIF). Our decode must equal it exactly.
/// </summary>
public class CorpusConformanceTests
{
    public static TheoryData<string> CorpusFiles()
    {
        var data = new TheoryData<string>();
        foreach (var reference in Directory.EnumerateFiles(TestImages.CorpusDirectory, "*.ref.pam").Order(StringComparer.Ordinal))
            data.Add(Path.GetFileName(reference)[..^".ref.pam".Length]);
        return data;
    }

    [Fact]
    public void The_subset_covers_every_format_and_png_variant()
    {
        var names = Directory.EnumerateFiles(TestImages.CorpusDirectory, "*.ref.pam").Select(p => Path.GetFileName(p)[..^".ref.pam".Length]).ToList();
        Assert.True(names.Count >= 80, $"only {names.Count} corpus files");
        foreach (var variant in new[] { "-G1.png", "-G2-adam7.png", "-G4.png", "-L16.png", "-LA16-adam7.png", "-RGB16-adam7.png", "-RGBA16.png", "-P1.png", "-P2.png", "-P4-trns.png", "-P8.png", "-RGB8-trns.png", "-L8-trns-adam7.png", "-L16-trns.png", "-1.bmp", "-4.bmp", "-8pal.bmp", "-24-topdown.bmp", "-24-os2.bmp", "-32.bmp", "-P2.pgm", "-P3.ppm", "-P5-16.pgm", "-P6-16.ppm", "-interlaced.gif", "-trns.gif" })
            Assert.Contains(names, n => n.EndsWith(variant, StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(CorpusFiles))]
    public void Decodes_exactly_like_the_reference_decoder(string name)
    {
        var data = File.ReadAllBytes(Path.Combine(TestImages.CorpusDirectory, name));
        var reference = PnmDecoder.DecodeSamples(File.ReadAllBytes(Path.Combine(TestImages.CorpusDirectory, name + ".ref.pam")));

        var ours = ImageDecoder.DetectFormat(data) switch
        {
            ImageFormat.Png => PngDecoder.DecodeSamples(data),
            ImageFormat.Pnm => PnmDecoder.DecodeSamples(data),
            _ => TestImages.ToSamples(ImageDecoder.Decode(data)),
        };

        Assert.Equal((reference.Width, reference.Height), (ours.Width, ours.Height));
        var expected = TestImages.Rgba16(reference);
        var actual = TestImages.Rgba16(ours);
        if (name.EndsWith(".gif", StringComparison.Ordinal))
            ClearColourOfTransparentPixels(expected, actual); // Pillow keeps the palette colour of the transparent index; we write 0
        Assert.Equal(expected, actual);
    }

    [Theory]
    [MemberData(nameof(CorpusFiles))]
    public void Eight_bit_decode_round_trips_through_our_png_encoder(string name)
    {
        var image = ImageDecoder.Decode(File.ReadAllBytes(Path.Combine(TestImages.CorpusDirectory, name)));

        var again = PngDecoder.Decode(PngEncoder.Encode(image));

        Assert.Equal((image.Width, image.Height, image.Channels), (again.Width, again.Height, again.Channels));
        Assert.Equal(image.Pixels, again.Pixels);
    }

    private static void ClearColourOfTransparentPixels(long[] a, long[] b)
    {
        for (var i = 0; i < a.Length; i += 4)
            if (a[i + 3] == 0 && b[i + 3] == 0)
                a[i] = a[i + 1] = a[i + 2] = b[i] = b[i + 1] = b[i + 2] = 0;
    }
}
