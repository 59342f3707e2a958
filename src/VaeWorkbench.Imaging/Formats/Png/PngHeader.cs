namespace VaeWorkbench.Imaging.Formats.Png;

internal enum PngColorType : byte
{
    Grey = 0,
    Rgb = 2,
    Palette = 3,
    GreyAlpha = 4,
    Rgba = 6,
}

/// <summary>The IHDR fields, validated, plus what the pixel layout derived from them needs.</summary>
internal sealed record PngHeader(int Width, int Height, int BitDepth, PngColorType ColorType, bool Interlaced)
{
    /// <summary>Samples per pixel as stored in the file (palette indices count as one).</summary>
    public int StoredChannels => ColorType switch
    {
        PngColorType.Grey or PngColorType.Palette => 1,
        PngColorType.GreyAlpha => 2,
        PngColorType.Rgb => 3,
        _ => 4,
    };

    public int BitsPerPixel => StoredChannels * BitDepth;

    /// <summary>Bytes between a byte and the one it is filtered against (at least 1, as the PNG spec says).</summary>
    public int FilterStride => Math.Max(1, BitsPerPixel / 8);

    public long RowBytes(int pixels) => ((long)pixels * BitsPerPixel + 7) / 8;

    /// <summary>The exact size of the decompressed, filtered image data, including one filter byte per scanline.</summary>
    public long RawDataBytes()
    {
        if (!Interlaced) return Height * (1 + RowBytes(Width));
        long total = 0;
        foreach (var pass in Adam7.Passes)
        {
            var (w, h) = pass.Size(Width, Height);
            if (w > 0 && h > 0) total += h * (1 + RowBytes(w));
        }
        return total;
    }

    public static PngHeader Parse(ReadOnlySpan<byte> ihdr, DecodeLimits limits, long offset)
    {
        if (ihdr.Length != 13)
            throw new InvalidImageException($"PNG IHDR at offset {offset} is {ihdr.Length} bytes long, expected 13");
        var width = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(ihdr);
        var height = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(ihdr[4..]);
        if (width > int.MaxValue || height > int.MaxValue)
            throw new InvalidImageException($"PNG IHDR declares {width}x{height}, beyond the 2^31-1 the format allows");
        limits.CheckDimensions("PNG", width, height, "IHDR");
        var bitDepth = ihdr[8];
        var colorType = ihdr[9];
        var allowed = colorType switch
        {
            0 => bitDepth is 1 or 2 or 4 or 8 or 16,
            3 => bitDepth is 1 or 2 or 4 or 8,
            2 or 4 or 6 => bitDepth is 8 or 16,
            _ => throw new InvalidImageException($"PNG IHDR colour type {colorType} is not defined"),
        };
        if (!allowed)
            throw new InvalidImageException($"PNG IHDR bit depth {bitDepth} is not allowed with colour type {colorType}");
        if (ihdr[10] != 0) throw new InvalidImageException($"PNG IHDR compression method {ihdr[10]} is not defined");
        if (ihdr[11] != 0) throw new InvalidImageException($"PNG IHDR filter method {ihdr[11]} is not defined");
        if (ihdr[12] > 1) throw new InvalidImageException($"PNG IHDR interlace method {ihdr[12]} is not defined");
        return new PngHeader((int)width, (int)height, bitDepth, (PngColorType)colorType, ihdr[12] == 1);
    }
}

/// <summary>One pass of Adam7 interlacing: the pixels at (XStart + i·XStep, YStart + j·YStep).</summary>
internal readonly record struct Adam7(int XStart, int YStart, int XStep, int YStep)
{
    public static readonly Adam7[] Passes =
    [
        new(0, 0, 8, 8), new(4, 0, 8, 8), new(0, 4, 4, 8), new(2, 0, 4, 4),
        new(0, 2, 2, 4), new(1, 0, 2, 2), new(0, 1, 1, 2),
    ];

    /// <summary>The whole image as a single pass, so non-interlaced data takes the same path.</summary>
    public static readonly Adam7 Whole = new(0, 0, 1, 1);

    public (int Width, int Height) Size(int width, int height) =>
        ((width - XStart + XStep - 1) / XStep, (height - YStart + YStep - 1) / YStep);
}
