using VaeWorkbench.Imaging.Formats.Jpeg;

namespace VaeWorkbench.Imaging.Tests.Jpeg;

/// <summary>How segments change the decode: default Huffman tables, and libjpeg's colour-space rules.</summary>
public class JpegMarkerTests
{
    private static byte[] WithoutSegment(byte[] jpeg, byte marker)
    {
        int at = JpegTestData.FindSegment(jpeg, marker);
        int length = 2 + (jpeg[at + 2] << 8 | jpeg[at + 3]);
        return [.. jpeg.AsSpan(0, at), .. jpeg.AsSpan(at + length)];
    }

    private static void AssertSameAsReference(byte[] jpeg, string reference) =>
        Assert.Equal(JpegTestData.ReadPnm(reference).Pixels, JpegDecoder.Decode(jpeg).Pixels);

    [Fact]
    public void MissingHuffmanTablesDefaultToTheStandardOnes()
    {
        // cjpeg without -optimize writes the Annex K tables; Motion-JPEG frames leave them out altogether.
        var jpeg = JpegTestData.Bytes("40x32_q75.jpg");
        while (true)
        {
            try { jpeg = WithoutSegment(jpeg, 0xC4); }
            catch (InvalidOperationException) { break; }
        }

        AssertSameAsReference(jpeg, "40x32_q75.ppm");
    }

    [Fact]
    public void AdobeTransformZeroMeansRgb()
    {
        // cjpeg -rgb writes an Adobe segment with transform 0 and component ids 'R', 'G', 'B'.
        var jpeg = JpegTestData.Bytes("40x32_q90_rgb.jpg");
        AssertSameAsReference(jpeg, "40x32_q90_rgb.ppm");

        // Without the Adobe segment, libjpeg still reads RGB from the component ids...
        var noAdobe = WithoutSegment(jpeg, 0xEE);
        AssertSameAsReference(noAdobe, "40x32_q90_rgb.ppm");

        // ...and with ids 1, 2, 3 it assumes YCbCr, which gives different colours.
        int sof = JpegTestData.FindSegment(noAdobe, 0xC0);
        int sos = JpegTestData.FindSegment(noAdobe, 0xDA);
        for (int i = 0; i < 3; i++) (noAdobe[sof + 10 + 3 * i], noAdobe[sos + 5 + 2 * i]) = ((byte)(i + 1), (byte)(i + 1));
        Assert.NotEqual(JpegTestData.ReadPnm("40x32_q90_rgb.ppm").Pixels, JpegDecoder.Decode(noAdobe).Pixels);
    }

    [Fact]
    public void GreyJpegDecodesToOneChannel()
    {
        var image = JpegDecoder.Decode(JpegTestData.Bytes("33x19_q60_grey.jpg"));
        Assert.Equal(1, image.Channels);
    }

    [Fact]
    public void MissingEoiAfterCompleteScansIsAccepted()
    {
        var jpeg = JpegTestData.Bytes("40x32_q90_420.jpg");
        Assert.Equal(0xD9, jpeg[^1]);
        AssertSameAsReference(jpeg[..^2], "40x32_q90_420.ppm");
    }
}
