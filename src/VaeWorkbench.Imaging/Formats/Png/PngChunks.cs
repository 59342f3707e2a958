using System.Buffers.Binary;

namespace VaeWorkbench.Imaging.Formats.Png;

/// <summary>Everything the pixel decoder needs from the chunk stream, gathered and validated in one walk.</summary>
internal sealed class PngChunks
{
    public static ReadOnlySpan<byte> Signature => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    public required PngHeader Header { get; init; }

    /// <summary>RGB triples, or null when there is no PLTE.</summary>
    public byte[]? Palette { get; init; }

    /// <summary>Palette alphas (one per entry, possibly fewer than the palette), or null.</summary>
    public byte[]? PaletteAlpha { get; init; }

    /// <summary>The grey or RGB sample values that tRNS marks transparent, or null.</summary>
    public ushort[]? TransparentColor { get; init; }

    /// <summary>The IDAT payloads joined, or empty when only the header was read.</summary>
    public byte[] ImageData { get; init; } = [];

    /// <summary>Walks the chunks. With <paramref name="headerOnly"/> it stops at the first IDAT and skips CRC checks.</summary>
    public static PngChunks Read(ReadOnlySpan<byte> data, DecodeLimits limits, bool headerOnly)
    {
        if (data.Length < 8 || !data[..8].SequenceEqual(Signature))
            throw new InvalidImageException("PNG signature is missing or damaged at offset 0");
        PngHeader? header = null;
        byte[]? palette = null, paletteAlpha = null;
        ushort[]? transparent = null;
        var idatSegments = new List<(int Start, int Length)>();
        long idatTotal = 0;
        var idatEnded = false;
        var offset = 8;
        while (true)
        {
            if (data.Length - offset < 12)
            {
                if (headerOnly && header is not null) break;
                throw new InvalidImageException($"PNG file ends at offset {data.Length} before the IEND chunk");
            }
            var length = BinaryPrimitives.ReadUInt32BigEndian(data[offset..]);
            var type = data.Slice(offset + 4, 4);
            var name = ChunkName(type, offset);
            if (length > int.MaxValue || length > data.Length - offset - 12)
            {
                if (headerOnly && header is not null) break;
                throw new InvalidImageException($"PNG {name} chunk at offset {offset} declares {length} bytes, past the end of the file");
            }
            var body = data.Slice(offset + 8, (int)length);
            var isCritical = (type[0] & 0x20) == 0;
            if (!headerOnly)
            {
                var stored = BinaryPrimitives.ReadUInt32BigEndian(data[(offset + 8 + (int)length)..]);
                var crc = Crc32.Finish(Crc32.Update(Crc32.Update(Crc32.Start, type), body));
                if (crc != stored)
                {
                    // libpng's rule: a damaged critical chunk is fatal, a damaged ancillary one is dropped.
                    if (isCritical)
                        throw new InvalidImageException($"PNG {name} CRC mismatch at offset {offset}");
                    offset += 12 + (int)length;
                    continue;
                }
            }
            if (header is null && name != "IHDR")
                throw new InvalidImageException($"PNG first chunk is {name} at offset {offset}, expected IHDR");
            if (name != "IDAT" && idatSegments.Count > 0) idatEnded = true;
            switch (name)
            {
                case "IHDR":
                    if (header is not null) throw new InvalidImageException($"PNG has a second IHDR at offset {offset}");
                    header = PngHeader.Parse(body, limits, offset);
                    break;
                case "PLTE":
                    palette = ReadPalette(header!, body, palette, idatSegments.Count > 0, offset);
                    break;
                case "tRNS":
                    if (idatSegments.Count == 0)
                        (paletteAlpha, transparent) = ReadTransparency(header!, body, palette);
                    break;
                case "IDAT":
                    if (header!.ColorType == PngColorType.Palette && palette is null)
                        throw new InvalidImageException($"PNG palette image has no PLTE before IDAT at offset {offset}");
                    if (headerOnly) return new PngChunks { Header = header, Palette = palette, PaletteAlpha = paletteAlpha, TransparentColor = transparent };
                    if (idatEnded) throw new InvalidImageException($"PNG IDAT at offset {offset} is not contiguous with the earlier IDAT chunks");
                    idatSegments.Add((offset + 8, (int)length));
                    idatTotal += length;
                    break;
                case "IEND":
                    if (idatSegments.Count == 0) throw new InvalidImageException($"PNG IEND at offset {offset} comes before any IDAT");
                    return new PngChunks
                    {
                        Header = header!, Palette = palette, PaletteAlpha = paletteAlpha, TransparentColor = transparent,
                        ImageData = Join(data, idatSegments, idatTotal),
                    };
                default:
                    if (isCritical) throw new InvalidImageException($"PNG unknown critical chunk {name} at offset {offset}");
                    break;
            }
            offset += 12 + (int)length;
        }
        return new PngChunks { Header = header!, Palette = palette, PaletteAlpha = paletteAlpha, TransparentColor = transparent };
    }

    private static string ChunkName(ReadOnlySpan<byte> type, int offset)
    {
        foreach (var b in type)
            if (b is not (>= (byte)'A' and <= (byte)'Z' or >= (byte)'a' and <= (byte)'z'))
                throw new InvalidImageException($"PNG chunk type at offset {offset + 4} is not four letters");
        return System.Text.Encoding.ASCII.GetString(type);
    }

    private static byte[]? ReadPalette(PngHeader header, ReadOnlySpan<byte> body, byte[]? existing, bool afterData, int offset)
    {
        if (existing is not null) throw new InvalidImageException($"PNG has a second PLTE at offset {offset}");
        if (afterData) throw new InvalidImageException($"PNG PLTE at offset {offset} comes after IDAT");
        if (header.ColorType is PngColorType.Grey or PngColorType.GreyAlpha)
            throw new InvalidImageException($"PNG PLTE at offset {offset} is not allowed in a greyscale image");
        if (body.Length == 0 || body.Length % 3 != 0 || body.Length > 3 * 256)
            throw new InvalidImageException($"PNG PLTE at offset {offset} is {body.Length} bytes, not 3 to 768 in multiples of 3");
        // For RGB images PLTE is only a quantisation hint; it does not change the pixels.
        return header.ColorType == PngColorType.Palette ? body.ToArray() : null;
    }

    /// <summary>
    /// Reads tRNS. A malformed or misplaced tRNS is ignored, as libpng does (it is a benign error there), since
    /// the pixels stay well defined without it.
    /// </summary>
    private static (byte[]?, ushort[]?) ReadTransparency(PngHeader header, ReadOnlySpan<byte> body, byte[]? palette)
    {
        return header.ColorType switch
        {
            PngColorType.Palette when palette is not null && body.Length > 0 && body.Length <= palette.Length / 3 => (body.ToArray(), null),
            PngColorType.Grey when body.Length == 2 => (null, [BinaryPrimitives.ReadUInt16BigEndian(body)]),
            PngColorType.Rgb when body.Length == 6 => (null,
                [BinaryPrimitives.ReadUInt16BigEndian(body), BinaryPrimitives.ReadUInt16BigEndian(body[2..]), BinaryPrimitives.ReadUInt16BigEndian(body[4..])]),
            _ => (null, null),
        };
    }

    private static byte[] Join(ReadOnlySpan<byte> data, List<(int Start, int Length)> segments, long total)
    {
        var joined = new byte[total];
        var at = 0;
        foreach (var (start, length) in segments)
        {
            data.Slice(start, length).CopyTo(joined.AsSpan(at));
            at += length;
        }
        return joined;
    }
}
