using System.IO.Compression;
using System.Numerics;

namespace VaeWorkbench.Imaging.Formats.Png;

/// <summary>
/// Inflates IDAT, undoes the per-scanline filters and places pixels (through Adam7 when interlaced) into an
/// interleaved output of 8-bit or native-precision samples. Scanlines are inflated one at a time, so only two
/// rows of filtered data are ever held.
/// </summary>
internal static class PngScanlines
{
    /// <summary>Deflate's best case: one 258-byte match per 2 bits or so, about 1032 to 1 (zlib's technical notes).</summary>
    private const long MaxDeflateRatio = 1032;

    /// <summary>Channels of the decoded output: tRNS adds an alpha channel, a palette expands to RGB(A).</summary>
    public static int OutputChannels(PngChunks c) => c.Header.ColorType switch
    {
        PngColorType.Grey => c.TransparentColor is null ? 1 : 2,
        PngColorType.GreyAlpha => 2,
        PngColorType.Rgb => c.TransparentColor is null ? 3 : 4,
        PngColorType.Palette => c.PaletteAlpha is null ? 3 : 4,
        _ => 4,
    };

    /// <summary>The largest output sample: 255 for palettes, otherwise 2^depth - 1.</summary>
    public static int NativeMax(PngHeader h) => h.ColorType == PngColorType.Palette ? 255 : (1 << h.BitDepth) - 1;

    /// <summary>
    /// Returns the exact inflated size the header implies, after checking it against the limit and against what the
    /// IDAT bytes could possibly inflate to. Call before allocating the output, so a tiny file declaring a huge
    /// image fails without the allocation.
    /// </summary>
    public static long CheckDataSize(PngChunks chunks, DecodeLimits limits)
    {
        var header = chunks.Header;
        var expected = header.RawDataBytes();
        if (expected > limits.MaxDecompressedBytes)
            throw new InvalidImageException($"PNG image data inflates to {expected} bytes, limit is {limits.MaxDecompressedBytes}");
        if (expected > chunks.ImageData.Length * MaxDeflateRatio + 1024)
            throw new InvalidImageException($"PNG IDAT holds {chunks.ImageData.Length} compressed bytes, which cannot inflate to the {expected} bytes a {header.Width}x{header.Height} image needs");
        return expected;
    }

    /// <summary>Decodes every pixel into <paramref name="output"/>; with <paramref name="toEightBit"/> samples are rescaled to 0..255.</summary>
    public static void Decode<T>(PngChunks chunks, DecodeLimits limits, T[] output, bool toEightBit) where T : unmanaged, INumberBase<T>
    {
        var header = chunks.Header;
        var expected = CheckDataSize(chunks, limits);
        // Rows are served from a large buffer: asking the inflater for one short scanline at a time costs about half again.
        using var inflater = new BufferedStream(new CountingReadStream(new ZLibStream(new MemoryStream(chunks.ImageData, writable: false), CompressionMode.Decompress),
            limits.MaxDecompressedBytes, "PNG IDAT"), (int)Math.Min(expected, 256 * 1024));
        var maxRow = (int)header.RowBytes(header.Width);
        var current = new byte[maxRow + 1];
        var previous = new byte[maxRow + 1];
        var channels = OutputChannels(chunks);
        long consumed = 0;
        foreach (var pass in header.Interlaced ? Adam7.Passes : [Adam7.Whole])
        {
            var (passWidth, passHeight) = pass.Size(header.Width, header.Height);
            if (passWidth == 0 || passHeight == 0) continue;
            var rowLength = (int)header.RowBytes(passWidth) + 1;
            Array.Clear(previous);
            for (var j = 0; j < passHeight; j++)
            {
                var row = current.AsSpan(0, rowLength);
                ReadRow(inflater, row, consumed, expected);
                consumed += rowLength;
                Unfilter(row[0], row[1..], previous.AsSpan(1, rowLength - 1), header.FilterStride, consumed - rowLength);
                var y = pass.YStart + j * pass.YStep;
                var destStart = ((long)y * header.Width + pass.XStart) * channels;
                ExpandRow(chunks, row[1..], passWidth, output.AsSpan((int)destStart), pass.XStep * channels, toEightBit);
                (current, previous) = (previous, current);
            }
        }
    }

    private static void ReadRow(Stream inflater, Span<byte> row, long consumed, long expected)
    {
        int n;
        try
        {
            n = inflater.ReadAtLeast(row, row.Length, throwOnEndOfStream: false);
        }
        catch (Exception e) when (e is InvalidDataException or IOException) // zlib reports some damage as ZLibException, an IOException
        {
            throw new InvalidImageException($"PNG IDAT zlib stream is corrupt after {consumed} inflated bytes: {e.Message}", e);
        }
        if (n < row.Length)
            throw new InvalidImageException($"PNG image data is truncated: IDAT inflates to {consumed + n} of {expected} bytes");
    }

    /// <summary>Undoes one scanline's filter in place. <paramref name="prior"/> is the previous unfiltered scanline (zeros for the first).</summary>
    internal static unsafe void Unfilter(byte filter, Span<byte> row, ReadOnlySpan<byte> prior, int stride, long offset)
    {
        if (filter > 4) throw new InvalidImageException($"PNG scanline filter type {filter} is not defined (inflated offset {offset})");
        if (prior.Length < row.Length) throw new ArgumentException("prior row is shorter than the row", nameof(prior));
        var n = row.Length;
        var head = Math.Min(stride, n);
        // Pointers: these loops run once per image byte, and the JIT cannot drop the bounds checks of the
        // i - stride accesses. Both lengths were checked above.
        fixed (byte* r = row)
        fixed (byte* p = prior)
        {
            switch (filter)
            {
                case 1: // Sub
                    for (var i = stride; i < n; i++) r[i] += r[i - stride];
                    break;
                case 2: // Up
                    for (var i = 0; i < n; i++) r[i] += p[i];
                    break;
                case 3: // Average
                    for (var i = 0; i < head; i++) r[i] += (byte)(p[i] >> 1);
                    for (var i = stride; i < n; i++) r[i] += (byte)((r[i - stride] + p[i]) >> 1);
                    break;
                case 4: // Paeth
                    for (var i = 0; i < head; i++) r[i] += p[i];
                    for (var i = stride; i < n; i++) r[i] += Paeth(r[i - stride], p[i], p[i - stride]);
                    break;
            }
        }
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    internal static byte Paeth(byte a, byte b, byte c)
    {
        // pa = |p - a| = |b - c|, pb = |p - b| = |a - c|, pc = |p - c| = |a + b - 2c|
        var pa = Math.Abs(b - c);
        var pb = Math.Abs(a - c);
        var pc = Math.Abs(a + b - 2 * c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }

    /// <summary>The PNG specification's Paeth predictor, written as the spec does; the reference for <see cref="Paeth"/>.</summary>
    internal static byte PaethNaive(byte a, byte b, byte c)
    {
        var p = a + b - c;
        var pa = Math.Abs(p - a);
        var pb = Math.Abs(p - b);
        var pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }

    /// <summary>Turns one unfiltered scanline of <paramref name="count"/> pixels into output samples, <paramref name="step"/> samples apart.</summary>
    private static void ExpandRow<T>(PngChunks c, ReadOnlySpan<byte> raw, int count, Span<T> dest, int step, bool toEightBit)
        where T : unmanaged, INumberBase<T>
    {
        var h = c.Header;
        var channels = OutputChannels(c);
        var max = NativeMax(h);
        var scale = toEightBit && max != 255;
        T Out(int v) => T.CreateTruncating(scale ? SampleImage.ScaleTo8(v, max) : v);

        if (typeof(T) == typeof(byte) && h.BitDepth == 8 && step == channels && channels == h.StoredChannels && h.ColorType != PngColorType.Palette)
        {
            // 8-bit samples without transparency key: the scanline already is the output row.
            raw[..(count * channels)].CopyTo(System.Runtime.InteropServices.MemoryMarshal.Cast<T, byte>(dest));
            return;
        }

        var stored = h.StoredChannels;
        var depth = h.BitDepth;
        var mask = (1 << depth) - 1;
        var at = 0;
        for (var i = 0; i < count; i++, at += step)
        {
            if (h.ColorType == PngColorType.Palette)
            {
                var index = depth == 8 ? raw[i] : (raw[i * depth >> 3] >> (8 - depth - (i * depth & 7))) & mask;
                // An index past the palette reads as opaque black, as in libpng (which pads the palette to 256 zeros).
                var inRange = index * 3 < c.Palette!.Length;
                dest[at] = T.CreateTruncating(inRange ? c.Palette[index * 3] : 0);
                dest[at + 1] = T.CreateTruncating(inRange ? c.Palette[index * 3 + 1] : 0);
                dest[at + 2] = T.CreateTruncating(inRange ? c.Palette[index * 3 + 2] : 0);
                if (channels == 4)
                    dest[at + 3] = T.CreateTruncating(index < c.PaletteAlpha!.Length ? c.PaletteAlpha[index] : (byte)255);
                continue;
            }
            var key = c.TransparentColor is not null;
            var matchesKey = key;
            for (var s = 0; s < stored; s++)
            {
                int v = depth switch
                {
                    8 => raw[i * stored + s],
                    16 => raw[(i * stored + s) * 2] << 8 | raw[(i * stored + s) * 2 + 1],
                    _ => (raw[i * depth >> 3] >> (8 - depth - (i * depth & 7))) & mask,
                };
                if (key && v != c.TransparentColor![s]) matchesKey = false;
                dest[at + s] = Out(v);
            }
            if (key) dest[at + stored] = Out(matchesKey ? 0 : max);
        }
    }
}
