using VaeWorkbench.Imaging.Formats.Jpeg;

namespace VaeWorkbench.Imaging.Tests.Jpeg;

public class JpegOrientationTests
{
    /// <summary>A 3x2 grey image whose samples are 1..6, row by row:  1 2 3 / 4 5 6.</summary>
    private static Image Sample() => new(3, 2, 1, [1, 2, 3, 4, 5, 6]);

    [Theory]
    [InlineData(1, 3, 2, new byte[] { 1, 2, 3, 4, 5, 6 })]
    [InlineData(2, 3, 2, new byte[] { 3, 2, 1, 6, 5, 4 })]      // mirror
    [InlineData(3, 3, 2, new byte[] { 6, 5, 4, 3, 2, 1 })]      // rotate 180
    [InlineData(4, 3, 2, new byte[] { 4, 5, 6, 1, 2, 3 })]      // flip vertically
    [InlineData(5, 2, 3, new byte[] { 1, 4, 2, 5, 3, 6 })]      // transpose
    [InlineData(6, 2, 3, new byte[] { 4, 1, 5, 2, 6, 3 })]      // rotate 90 clockwise
    [InlineData(7, 2, 3, new byte[] { 6, 3, 5, 2, 4, 1 })]      // transverse
    [InlineData(8, 2, 3, new byte[] { 3, 6, 2, 5, 1, 4 })]      // rotate 90 anticlockwise
    public void AppliesEachOrientation(int orientation, int width, int height, byte[] expected)
    {
        var result = JpegOrientation.Apply(Sample(), orientation);
        Assert.Equal((width, height), (result.Width, result.Height));
        Assert.Equal(expected, result.Pixels);
    }

    [Fact]
    public void KeepsChannelsTogether()
    {
        var rgb = new Image(2, 1, 3, [1, 2, 3, 4, 5, 6]);
        Assert.Equal(new byte[] { 4, 5, 6, 1, 2, 3 }, JpegOrientation.Apply(rgb, 2).Pixels);
    }

    private static byte[] Exif(bool bigEndian, int tag, int type, int value, int ifdOffset = 8)
    {
        var tiff = new List<byte>();
        void U16(int v) => tiff.AddRange(bigEndian ? [(byte)(v >> 8), (byte)v] : [(byte)v, (byte)(v >> 8)]);
        void U32(int v) => tiff.AddRange(bigEndian ? [(byte)(v >> 24), (byte)(v >> 16), (byte)(v >> 8), (byte)v] : [(byte)v, (byte)(v >> 8), (byte)(v >> 16), (byte)(v >> 24)]);
        tiff.AddRange(bigEndian ? "MM"u8.ToArray() : "II"u8.ToArray());
        U16(42);
        U32(ifdOffset);
        U16(2);
        U16(0x010F); U16(2); U32(4); U32(0);    // Make, ignored
        U16(tag); U16(type); U32(1); U16(value); U16(0);
        U32(0);
        return [.. "Exif\0\0"u8.ToArray(), .. tiff];
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ReadsOrientationInBothByteOrders(bool bigEndian)
    {
        for (int orientation = 1; orientation <= 8; orientation++)
            Assert.Equal(orientation, JpegOrientation.ReadExifOrientation(Exif(bigEndian, 0x0112, 3, orientation)));
    }

    [Fact]
    public void MalformedExifMeansNoRotation()
    {
        Assert.Equal(1, JpegOrientation.ReadExifOrientation("Exif\0\0II"u8));
        Assert.Equal(1, JpegOrientation.ReadExifOrientation(Exif(false, 0x0112, 3, 9)));           // out of range
        Assert.Equal(1, JpegOrientation.ReadExifOrientation(Exif(false, 0x0112, 4, 6)));           // LONG, not SHORT
        Assert.Equal(1, JpegOrientation.ReadExifOrientation(Exif(false, 0x0113, 3, 6)));           // another tag
        Assert.Equal(1, JpegOrientation.ReadExifOrientation(Exif(true, 0x0112, 3, 6, 100000)));    // IFD past the end
        Assert.Equal(1, JpegOrientation.ReadExifOrientation(Exif(true, 0x0112, 3, 6, -1)));        // offset 0xFFFFFFFF
        var cut = Exif(false, 0x0112, 3, 6);
        Assert.Equal(1, JpegOrientation.ReadExifOrientation(cut.AsSpan(0, cut.Length - 10)));    // entry cut off
    }
}
