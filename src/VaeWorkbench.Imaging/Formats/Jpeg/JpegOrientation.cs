using System.Buffers.Binary;

namespace VaeWorkbench.Imaging.Formats.Jpeg;

/// <summary>Reads the EXIF orientation tag (TIFF IFD0 tag 0x0112) and applies it to decoded pixels.</summary>
internal static class JpegOrientation
{
    /// <summary>
    /// The orientation (1..8) from an APP1 payload that starts with "Exif\0\0", or 1 when the payload is not EXIF,
    /// is malformed, or has no valid orientation: a broken EXIF block never makes a decodable image fail.
    /// </summary>
    public static int ReadExifOrientation(ReadOnlySpan<byte> app1)
    {
        if (app1.Length < 14 || !app1[..6].SequenceEqual("Exif\0\0"u8)) return 1;
        var tiff = app1[6..];
        bool bigEndian;
        if (tiff[0] == 'M' && tiff[1] == 'M') bigEndian = true;
        else if (tiff[0] == 'I' && tiff[1] == 'I') bigEndian = false;
        else return 1;

        if (Read16(tiff, 2, bigEndian) != 42) return 1;
        long ifd = Read32(tiff, 4, bigEndian);
        if (ifd < 8 || ifd + 2 > tiff.Length) return 1;
        int entries = Read16(tiff, (int)ifd, bigEndian);
        for (int i = 0; i < entries; i++)
        {
            long entry = ifd + 2 + 12L * i;
            if (entry + 12 > tiff.Length) return 1;
            int at = (int)entry;
            if (Read16(tiff, at, bigEndian) != 0x0112) continue;
            int type = Read16(tiff, at + 2, bigEndian);
            int value = type == 3 ? Read16(tiff, at + 8, bigEndian) : -1;   // SHORT, stored in the value field
            return value is >= 1 and <= 8 ? value : 1;
        }

        return 1;
    }

    private static int Read16(ReadOnlySpan<byte> data, int offset, bool bigEndian) =>
        bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(data[offset..]) : BinaryPrimitives.ReadUInt16LittleEndian(data[offset..]);

    private static long Read32(ReadOnlySpan<byte> data, int offset, bool bigEndian) =>
        bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(data[offset..]) : BinaryPrimitives.ReadUInt32LittleEndian(data[offset..]);

    /// <summary>
    /// Returns the image as it should be displayed for an EXIF orientation: 2 mirror, 3 rotate 180, 4 flip,
    /// 5 transpose, 6 rotate 90° clockwise, 7 transverse, 8 rotate 90° anticlockwise.
    /// </summary>
    public static Image Apply(Image source, int orientation)
    {
        if (orientation is < 2 or > 8) return source;
        int w = source.Width;
        int h = source.Height;
        int channels = source.Channels;
        bool swap = orientation >= 5;
        int outWidth = swap ? h : w;
        int outHeight = swap ? w : h;
        var pixels = new byte[source.Pixels.Length];
        var input = source.Pixels;
        for (int y = 0; y < outHeight; y++)
        {
            for (int x = 0; x < outWidth; x++)
            {
                (int sx, int sy) = orientation switch
                {
                    2 => (w - 1 - x, y),
                    3 => (w - 1 - x, h - 1 - y),
                    4 => (x, h - 1 - y),
                    5 => (y, x),
                    6 => (y, h - 1 - x),
                    7 => (w - 1 - y, h - 1 - x),
                    _ => (w - 1 - y, x),
                };
                int from = (sy * w + sx) * channels;
                int to = (y * outWidth + x) * channels;
                for (int c = 0; c < channels; c++) pixels[to + c] = input[from + c];
            }
        }

        return new Image(outWidth, outHeight, channels, pixels);
    }
}
