using System.Buffers.Binary;
using System.Numerics;

namespace VaeWorkbench.Imaging.Formats.Bmp;

/// <summary>
/// Decodes uncompressed Windows/OS2 bitmaps: 1, 4 and 8-bit palette, 16, 24 and 32-bit, bottom-up or top-down,
/// with BI_BITFIELDS masks. Palette images whose palette is all grey decode to one channel; 32-bit images with an
/// alpha mask decode to RGBA. RLE compression is reported as unsupported.
/// </summary>
public static class BmpDecoder
{
    private const int FileHeaderSize = 14;

    public static Image Decode(ReadOnlySpan<byte> data, DecodeLimits? limits = null)
    {
        limits ??= DecodeLimits.Default;
        limits.CheckFileSize("BMP", data.Length);
        var h = BmpHeader.Read(data, limits);
        var stride = ((long)h.Width * h.BitCount + 31) / 32 * 4;
        var needed = h.PixelOffset + stride * h.Height;
        if (needed > data.Length)
            throw new InvalidImageException($"BMP pixel data is truncated: {h.Height} rows of {stride} bytes from offset {h.PixelOffset} need {needed} bytes, file has {data.Length}");
        var palette = h.BitCount <= 8 ? ReadPalette(data, h) : null;
        var channels = h.Channels(palette);
        var pixels = new byte[(long)h.Width * h.Height * channels];
        for (var row = 0; row < h.Height; row++)
        {
            var y = h.TopDown ? row : h.Height - 1 - row;
            var src = data.Slice((int)(h.PixelOffset + row * stride), (int)stride);
            var dest = pixels.AsSpan(y * h.Width * channels, h.Width * channels);
            if (palette is not null) ExpandPaletteRow(src, dest, h, palette, channels);
            else if (h.Masks is null) ExpandBgrRow(src, dest, h.Width, h.BitCount / 8);
            else ExpandMaskedRow(src, dest, h, channels);
        }
        return new Image(h.Width, h.Height, channels, pixels);
    }

    public static ImageInfo Identify(ReadOnlySpan<byte> data, DecodeLimits? limits = null)
    {
        limits ??= DecodeLimits.Default;
        var h = BmpHeader.Read(data, limits);
        return new ImageInfo(ImageFormat.Bmp, h.Width, h.Height, h.Channels(h.BitCount <= 8 ? ReadPalette(data, h) : null));
    }

    /// <summary>The palette as RGB triples. Entries the file does not hold are left out; indices past them read as black.</summary>
    private static byte[] ReadPalette(ReadOnlySpan<byte> data, BmpHeader h)
    {
        var entrySize = h.DibSize == 12 ? 3 : 4;
        var start = FileHeaderSize + h.DibSize + (h.MasksAfterHeader ? 12 : 0);
        var count = h.ColorsUsed == 0 || h.ColorsUsed > 1 << h.BitCount ? 1 << h.BitCount : (int)h.ColorsUsed;
        var available = Math.Max(0, (Math.Min(data.Length, h.PixelOffset) - start) / entrySize);
        count = Math.Min(count, available);
        if (count == 0) throw new InvalidImageException($"BMP {h.BitCount}-bit image has no palette between offset {start} and the pixel data at {h.PixelOffset}");
        var palette = new byte[count * 3];
        for (var i = 0; i < count; i++)
        {
            var e = data.Slice(start + i * entrySize, 3);
            palette[i * 3] = e[2];
            palette[i * 3 + 1] = e[1];
            palette[i * 3 + 2] = e[0];
        }
        return palette;
    }

    private static void ExpandPaletteRow(ReadOnlySpan<byte> src, Span<byte> dest, BmpHeader h, byte[] palette, int channels)
    {
        var bits = h.BitCount;
        var mask = (1 << bits) - 1;
        for (var x = 0; x < h.Width; x++)
        {
            var index = bits == 8 ? src[x] : (src[x * bits >> 3] >> (8 - bits - (x * bits & 7))) & mask;
            var at = index * 3;
            var inRange = at < palette.Length;
            if (channels == 1)
            {
                dest[x] = inRange ? palette[at] : (byte)0;
                continue;
            }
            dest[x * 3] = inRange ? palette[at] : (byte)0;
            dest[x * 3 + 1] = inRange ? palette[at + 1] : (byte)0;
            dest[x * 3 + 2] = inRange ? palette[at + 2] : (byte)0;
        }
    }

    /// <summary>24-bit BGR or 32-bit BGRX (BI_RGB leaves the fourth byte unused) to RGB.</summary>
    private static void ExpandBgrRow(ReadOnlySpan<byte> src, Span<byte> dest, int width, int bytesPerPixel)
    {
        for (var x = 0; x < width; x++)
        {
            dest[x * 3] = src[x * bytesPerPixel + 2];
            dest[x * 3 + 1] = src[x * bytesPerPixel + 1];
            dest[x * 3 + 2] = src[x * bytesPerPixel];
        }
    }

    private static void ExpandMaskedRow(ReadOnlySpan<byte> src, Span<byte> dest, BmpHeader h, int channels)
    {
        var masks = h.Masks!;
        for (var x = 0; x < h.Width; x++)
        {
            var v = h.BitCount == 16 ? BinaryPrimitives.ReadUInt16LittleEndian(src[(x * 2)..]) : BinaryPrimitives.ReadUInt32LittleEndian(src[(x * 4)..]);
            for (var c = 0; c < channels; c++) dest[x * channels + c] = Extract(v, masks[c]);
        }
    }

    /// <summary>The masked field rescaled to 8 bits (rounded to nearest).</summary>
    private static byte Extract(uint value, uint mask)
    {
        if (mask == 0) return 0;
        var shift = BitOperations.TrailingZeroCount(mask);
        var max = mask >> shift;
        var field = (value & mask) >> shift;
        return max == 255 ? (byte)field : (byte)((field * 255UL + max / 2) / max);
    }
}
