using VaeWorkbench.Imaging.Formats.Jpeg;

namespace VaeWorkbench.Imaging.Tests.Jpeg;

/// <summary>Our decode of every committed test JPEG must equal libjpeg-turbo's djpeg output sample for sample.</summary>
public class JpegConformanceTests
{
    public static TheoryData<string> Files()
    {
        var data = new TheoryData<string>();
        foreach (var row in JpegTestData.Manifest()) data.Add(row.Jpeg);
        return data;
    }

    [Fact]
    public void TestDataCoversEveryMode()
    {
        var descriptions = JpegTestData.Manifest().Select(r => r.Description).ToList();
        Assert.True(descriptions.Count >= 40, $"only {descriptions.Count} test files");
        foreach (var mode in new[] { "-progressive", "-restart", "-grayscale", "-sample 2x2", "-sample 2x1", "-sample 1x2", "-sample 1x1", "-rgb", "-optimize", "EXIF II", "MM EXIF" })
            Assert.Contains(descriptions, d => d.Contains(mode, StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void DecodesLikeDjpeg(string file)
    {
        var row = JpegTestData.Manifest().Single(r => r.Jpeg == file);
        var expected = JpegTestData.ReadPnm(row.Reference);

        var actual = JpegDecoder.Decode(JpegTestData.Bytes(file));

        Assert.Equal((expected.Width, expected.Height, expected.Channels), (actual.Width, actual.Height, actual.Channels));
        for (int i = 0; i < actual.Pixels.Length; i++)
        {
            if (actual.Pixels[i] != expected.Pixels[i])
            {
                double psnr = JpegTestData.Psnr(actual.Pixels, expected.Pixels);
                Assert.Fail($"{file} ({row.Description}): sample {i} is {actual.Pixels[i]}, djpeg gives {expected.Pixels[i]}; PSNR {psnr:F2} dB");
            }
        }
    }

    [Fact]
    public void IdentifyReadsTheHeaderOnly()
    {
        var info = JpegDecoder.Identify(JpegTestData.Bytes("40x32_q50_prog.jpg"));
        Assert.Equal(new JpegInfo(40, 32, 3, true, 1), info);

        var grey = JpegDecoder.Identify(JpegTestData.Bytes("33x19_q60_grey.jpg"));
        Assert.Equal(new JpegInfo(33, 19, 1, false, 1), grey);

        // Orientation 6 is reported, with the stored (unrotated) size.
        var rotated = JpegDecoder.Identify(JpegTestData.Bytes("exif_ii_6.jpg"));
        Assert.Equal(new JpegInfo(24, 16, 3, false, 6), rotated);
    }

    [Fact]
    public void OrientationSixSwapsWidthAndHeight()
    {
        var image = JpegDecoder.Decode(JpegTestData.Bytes("exif_ii_6.jpg"));
        Assert.Equal((16, 24), (image.Width, image.Height));
    }
}
