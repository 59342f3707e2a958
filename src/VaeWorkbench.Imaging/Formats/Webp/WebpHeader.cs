using System.Buffers.Binary;

namespace VaeWorkbench.Imaging.Formats.Webp;

/// <summary>
/// What a WebP file's RIFF container says before any pixel is decoded: the canvas size (from VP8X, or from the VP8/VP8L
/// bitstream header of a simple file), whether it has alpha, whether it is lossless or animated. Every chunk header up to
/// the image data is checked against the file's real length, and every declared size against <see cref="DecodeLimits"/>.
/// </summary>
internal sealed record WebpHeader(int Width, int Height, bool HasAlpha, bool Lossless, bool Animated)
{
    private const int RiffHeaderSize = 12;
    private const int ChunkHeaderSize = 8;

    public static bool LooksLikeWebp(ReadOnlySpan<byte> data) =>
        data.Length >= RiffHeaderSize && data[..4].SequenceEqual("RIFF"u8) && data.Slice(8, 4).SequenceEqual("WEBP"u8);

    /// <param name="whole">
    /// True to decode: every chunk up to the image data must be complete. False to identify from the first bytes of a
    /// file (<see cref="ImageDecoder.Identify(Stream, DecodeLimits?)"/> reads 64 KiB): only the header fields must be there.
    /// </param>
    public static WebpHeader Read(ReadOnlySpan<byte> data, DecodeLimits limits, bool whole = true)
    {
        if (!LooksLikeWebp(data)) throw new InvalidImageException("WebP file does not start with a RIFF header of form WEBP");
        var riffSize = (long)BinaryPrimitives.ReadUInt32LittleEndian(data[4..]);
        if (riffSize < 4 + ChunkHeaderSize)
            throw new InvalidImageException($"WebP RIFF header declares {riffSize} bytes, too few for any image chunk");
        // The RIFF size counts everything after its own 8 bytes; trailing bytes past it are ignored, as libwebp does.
        if (whole && riffSize + 8 > data.Length)
            throw new InvalidImageException($"WebP file is truncated: its RIFF header declares {riffSize + 8} bytes, the file has {data.Length}");
        var end = (int)Math.Min(riffSize + 8, data.Length);
        var at = RiffHeaderSize;
        var first = ReadChunk(data, at, end, whole);
        return first.FourCC switch
        {
            "VP8X" => ReadExtended(data, first, end, limits, whole),
            "VP8 " => ReadLossy(data, first, limits, "VP8 header"),
            "VP8L" => ReadLossless(data, first, limits, "VP8L header"),
            _ => throw new InvalidImageException($"WebP file starts with a '{Printable(first.FourCC)}' chunk at offset {at}; expected VP8, VP8L or VP8X"),
        };
    }

    /// <summary>VP8X: canvas size and feature flags, then the first image chunk (VP8/VP8L, or ANIM/ANMF for an animation).</summary>
    private static WebpHeader ReadExtended(ReadOnlySpan<byte> data, Chunk vp8x, int end, DecodeLimits limits, bool whole)
    {
        if (vp8x.Size < 10) throw new InvalidImageException($"WebP VP8X chunk at offset {vp8x.Offset} holds {vp8x.Size} bytes, needs 10");
        var body = Body(data, vp8x, 10);
        var flags = body[0];
        var width = (long)ReadUInt24(body[4..]) + 1;
        var height = (long)ReadUInt24(body[7..]) + 1;
        limits.CheckDimensions("WebP", width, height, "VP8X header");
        var animated = (flags & 0x02) != 0;
        var hasAlpha = (flags & 0x10) != 0;
        var lossless = false;
        var foundFrame = false;
        // Walk to the first frame's bitstream header, so its own size is checked too before the codec sees it.
        var at = vp8x.Next;
        while (at < end)
        {
            var chunk = ReadChunk(data, at, end, whole);
            if (chunk.FourCC is "VP8 " or "VP8L")
            {
                var frame = chunk.FourCC == "VP8L" ? ReadLossless(data, chunk, limits, "VP8L frame header") : ReadLossy(data, chunk, limits, "VP8 frame header");
                if (frame.Width > width || frame.Height > height)
                    throw new InvalidImageException($"WebP frame at offset {chunk.Offset} is {frame.Width}x{frame.Height}, larger than its {width}x{height} canvas");
                lossless = frame.Lossless;
                hasAlpha |= frame.HasAlpha;
                foundFrame = true;
                break;
            }
            if (chunk.FourCC == "ANMF")
            {
                // An animation frame: 16 bytes of placement, then its own chunks; only the first frame is decoded (as for GIF).
                if (chunk.Size < 16 + ChunkHeaderSize) throw new InvalidImageException($"WebP ANMF chunk at offset {chunk.Offset} holds {chunk.Size} bytes, too few for a frame");
                at = chunk.DataOffset + 16;
                end = chunk.Next;
                continue;
            }
            at = chunk.Next;
        }
        if (!foundFrame && whole)
            throw new InvalidImageException($"WebP file has a VP8X header (offset {vp8x.Offset}) but no VP8 or VP8L image data");
        return new WebpHeader((int)width, (int)height, hasAlpha, lossless, animated);
    }

    /// <summary>A VP8 key frame: 3-byte frame tag, start code 9D 01 2A, then 14-bit width and height (2 scale bits each).</summary>
    private static WebpHeader ReadLossy(ReadOnlySpan<byte> data, Chunk chunk, DecodeLimits limits, string what)
    {
        if (chunk.Size < 10) throw new InvalidImageException($"WebP VP8 chunk at offset {chunk.Offset} holds {chunk.Size} bytes, too few for a frame header");
        var body = Body(data, chunk, 10);
        if ((body[0] & 1) != 0) throw new InvalidImageException($"WebP VP8 chunk at offset {chunk.Offset} is not a key frame");
        if (body[3] != 0x9D || body[4] != 0x01 || body[5] != 0x2A)
            throw new InvalidImageException($"WebP VP8 chunk at offset {chunk.Offset} lacks the start code 9D 01 2A (found {Convert.ToHexString(body[3..6])})");
        var width = BinaryPrimitives.ReadUInt16LittleEndian(body[6..]) & 0x3FFF;
        var height = BinaryPrimitives.ReadUInt16LittleEndian(body[8..]) & 0x3FFF;
        limits.CheckDimensions("WebP", width, height, what);
        return new WebpHeader(width, height, HasAlpha: false, Lossless: false, Animated: false);
    }

    /// <summary>VP8L: signature 0x2F, then 14 bits width-1, 14 bits height-1, 1 alpha bit, 3 version bits (0).</summary>
    private static WebpHeader ReadLossless(ReadOnlySpan<byte> data, Chunk chunk, DecodeLimits limits, string what)
    {
        if (chunk.Size < 5) throw new InvalidImageException($"WebP VP8L chunk at offset {chunk.Offset} holds {chunk.Size} bytes, too few for its header");
        var body = Body(data, chunk, 5);
        if (body[0] != 0x2F) throw new InvalidImageException($"WebP VP8L chunk at offset {chunk.Offset} has signature {body[0]:X2}, expected 2F");
        var bits = BinaryPrimitives.ReadUInt32LittleEndian(body[1..]);
        var width = (int)(bits & 0x3FFF) + 1;
        var height = (int)((bits >> 14) & 0x3FFF) + 1;
        var alpha = ((bits >> 28) & 1) != 0;
        var version = bits >> 29;
        if (version != 0) throw new InvalidImageException($"WebP VP8L chunk at offset {chunk.Offset} has version {version}, only 0 exists");
        limits.CheckDimensions("WebP", width, height, what);
        return new WebpHeader(width, height, alpha, Lossless: true, Animated: false);
    }

    /// <summary>The first <paramref name="length"/> bytes of a chunk's data, which must be in <paramref name="data"/>.</summary>
    private static ReadOnlySpan<byte> Body(ReadOnlySpan<byte> data, Chunk chunk, int length) =>
        chunk.DataOffset + length <= data.Length
            ? data.Slice(chunk.DataOffset, length)
            : throw new InvalidImageException($"WebP file is truncated: the '{Printable(chunk.FourCC)}' chunk at offset {chunk.Offset} needs {length} header bytes, the file ends at {data.Length}");

    private static Chunk ReadChunk(ReadOnlySpan<byte> data, int at, int end, bool whole)
    {
        if (at + ChunkHeaderSize > end)
            throw new InvalidImageException($"WebP file is truncated: a chunk header at offset {at} needs {ChunkHeaderSize} bytes, {Math.Max(0, end - at)} remain");
        var fourCC = System.Text.Encoding.ASCII.GetString(data.Slice(at, 4));
        var size = (long)BinaryPrimitives.ReadUInt32LittleEndian(data[(at + 4)..]);
        var dataOffset = at + ChunkHeaderSize;
        if (whole && dataOffset + size > end)
            throw new InvalidImageException($"WebP file is truncated: the '{Printable(fourCC)}' chunk at offset {at} declares {size} bytes, {end - dataOffset} remain");
        // Chunks are padded to an even size.
        var next = dataOffset + size + (size & 1);
        return new Chunk(fourCC, at, dataOffset, (int)size, (int)Math.Min(next, end));
    }

    private static int ReadUInt24(ReadOnlySpan<byte> b) => b[0] | b[1] << 8 | b[2] << 16;

    private static string Printable(string fourCC) => string.Concat(fourCC.Select(c => c is >= ' ' and <= '~' ? c : '?'));

    private readonly record struct Chunk(string FourCC, int Offset, int DataOffset, int Size, int Next);
}
