using System.Buffers.Binary;

namespace VaeWorkbench.Imaging.Formats.Gif;

/// <summary>
/// Decodes the first frame of a GIF (87a/89a) onto its logical screen. The result is RGB, or RGBA when the
/// frame's graphic control extension names a transparent index; screen pixels outside the frame are the
/// background colour (transparent in RGBA output).
/// </summary>
public static class GifDecoder
{
    public static bool LooksLikeGif(ReadOnlySpan<byte> data) =>
        data.Length >= 6 && data[..6].SequenceEqual("GIF87a"u8) || data.Length >= 6 && data[..6].SequenceEqual("GIF89a"u8);

    public static Image Decode(ReadOnlySpan<byte> data, DecodeLimits? limits = null)
    {
        limits ??= DecodeLimits.Default;
        limits.CheckFileSize("GIF", data.Length);
        var (screenWidth, screenHeight, globalTable, background, next) = ReadScreen(data, limits);
        var (frameAt, transparentIndex) = FindFirstFrame(data, next);
        return DecodeFrame(data, frameAt, screenWidth, screenHeight, globalTable, background, transparentIndex, limits);
    }

    public static ImageInfo Identify(ReadOnlySpan<byte> data, DecodeLimits? limits = null)
    {
        var (w, h, _, _, next) = ReadScreen(data, limits ?? DecodeLimits.Default);
        return new ImageInfo(ImageFormat.Gif, w, h, FindFirstFrame(data, next).TransparentIndex >= 0 ? 4 : 3);
    }

    /// <summary>
    /// Walks the extension blocks before the first image descriptor. Returns where the descriptor's fields start and
    /// the transparent index a graphic control extension set (-1 for none), which makes the output RGBA.
    /// </summary>
    private static (int FrameAt, int TransparentIndex) FindFirstFrame(ReadOnlySpan<byte> data, int at)
    {
        var transparentIndex = -1;
        while (true)
        {
            if (at >= data.Length) throw new InvalidImageException($"GIF file ends at offset {at} before any image");
            var introducer = data[at++];
            if (introducer == 0x2C) return (at, transparentIndex);
            if (introducer == 0x3B) throw new InvalidImageException($"GIF trailer at offset {at - 1} comes before any image");
            if (introducer != 0x21) throw new InvalidImageException($"GIF block introducer 0x{introducer:X2} at offset {at - 1} is not defined");
            if (at >= data.Length) throw new InvalidImageException($"GIF extension at offset {at - 1} is truncated");
            var label = data[at++];
            // Graphic control extension: block size 4, packed flags (bit 0: transparency), delay, transparent index.
            if (label == 0xF9 && at + 5 < data.Length && data[at] == 4 && (data[at + 1] & 1) != 0) transparentIndex = data[at + 4];
            at = SkipSubBlocks(data, at);
        }
    }

    private static (int Width, int Height, byte[]? GlobalTable, int Background, int Next) ReadScreen(ReadOnlySpan<byte> data, DecodeLimits limits)
    {
        if (!LooksLikeGif(data) || data.Length < 13) throw new InvalidImageException("GIF signature or logical screen descriptor missing at offset 0");
        int width = BinaryPrimitives.ReadUInt16LittleEndian(data[6..]);
        int height = BinaryPrimitives.ReadUInt16LittleEndian(data[8..]);
        limits.CheckDimensions("GIF", width, height, "logical screen");
        var flags = data[10];
        var at = 13;
        byte[]? table = null;
        if ((flags & 0x80) != 0)
        {
            var size = 3 << ((flags & 7) + 1);
            if (data.Length < at + size) throw new InvalidImageException($"GIF global colour table at offset {at} is truncated");
            table = data.Slice(at, size).ToArray();
            at += size;
        }
        return (width, height, table, data[11], at);
    }

    private static int SkipSubBlocks(ReadOnlySpan<byte> data, int at)
    {
        while (true)
        {
            if (at >= data.Length) throw new InvalidImageException($"GIF data sub-blocks run past the end of the file at offset {at}");
            var size = data[at++];
            if (size == 0) return at;
            at += size;
        }
    }

    private static Image DecodeFrame(ReadOnlySpan<byte> data, int at, int screenWidth, int screenHeight, byte[]? globalTable,
        int background, int transparentIndex, DecodeLimits limits)
    {
        if (data.Length < at + 10) throw new InvalidImageException($"GIF image descriptor at offset {at - 1} is truncated");
        int left = BinaryPrimitives.ReadUInt16LittleEndian(data[at..]);
        int top = BinaryPrimitives.ReadUInt16LittleEndian(data[(at + 2)..]);
        int width = BinaryPrimitives.ReadUInt16LittleEndian(data[(at + 4)..]);
        int height = BinaryPrimitives.ReadUInt16LittleEndian(data[(at + 6)..]);
        var flags = data[at + 8];
        at += 9;
        limits.CheckDimensions("GIF", width, height, "image descriptor");
        var table = globalTable;
        if ((flags & 0x80) != 0)
        {
            var size = 3 << ((flags & 7) + 1);
            if (data.Length < at + size) throw new InvalidImageException($"GIF local colour table at offset {at} is truncated");
            table = data.Slice(at, size).ToArray();
            at += size;
        }
        if (table is null) throw new InvalidImageException($"GIF image at offset {at} has neither a local nor a global colour table");
        if (at >= data.Length) throw new InvalidImageException($"GIF LZW code size missing at offset {at}");
        var minCodeSize = data[at++];
        GifLzw.CheckCapacity(data, at, minCodeSize, (long)width * height);
        var indices = new byte[(long)width * height];
        GifLzw.Decode(data, at, minCodeSize, indices);

        var channels = transparentIndex >= 0 ? 4 : 3;
        var pixels = new byte[(long)screenWidth * screenHeight * channels];
        if (channels == 3 && globalTable is not null && background * 3 + 2 < globalTable.Length)
            for (var i = 0; i < pixels.Length; i += 3)
                (pixels[i], pixels[i + 1], pixels[i + 2]) = (globalTable[background * 3], globalTable[background * 3 + 1], globalTable[background * 3 + 2]);
        var interlaced = (flags & 0x40) != 0;
        var rowOrder = interlaced ? InterlacedRows(height) : Enumerable.Range(0, height);
        var sourceRow = 0;
        foreach (var y in rowOrder)
        {
            var screenY = top + y;
            for (var x = 0; x < width && screenY < screenHeight; x++)
            {
                var screenX = left + x;
                if (screenX >= screenWidth) break;
                var index = indices[sourceRow * width + x];
                var dest = (screenY * screenWidth + screenX) * channels;
                if (index == transparentIndex) continue; // stays background / transparent
                var inRange = index * 3 + 2 < table.Length;
                pixels[dest] = inRange ? table[index * 3] : (byte)0;
                pixels[dest + 1] = inRange ? table[index * 3 + 1] : (byte)0;
                pixels[dest + 2] = inRange ? table[index * 3 + 2] : (byte)0;
                if (channels == 4) pixels[dest + 3] = 255;
            }
            sourceRow++;
        }
        return new Image(screenWidth, screenHeight, channels, pixels);
    }

    /// <summary>The screen rows in the order an interlaced GIF stores them: every 8th from 0, every 8th from 4, every 4th from 2, every 2nd from 1.</summary>
    private static IEnumerable<int> InterlacedRows(int height)
    {
        foreach (var (start, step) in new[] { (0, 8), (4, 8), (2, 4), (1, 2) })
            for (var y = start; y < height; y += step) yield return y;
    }
}
