using System.Runtime.CompilerServices;
using System.Buffers.Binary;
using System.IO.Compression;
using VaeWorkbench.Imaging.Formats.Zlib;

namespace VaeWorkbench.Imaging.Formats.Png;

/// <summary>
/// Writes 8-bit grey, grey+alpha, RGB or RGBA PNG. Each scanline gets the filter chosen by <see cref="PngRowFilters"/>.
/// <see cref="CompressionLevel.Fastest"/> compresses with our own <see cref="ZlibEncoder"/> (built for the many small
/// images generation writes: dynamic Huffman codes and lazy LZ77 matching, about zlib's default ratio on them); the
/// other levels use System.IO.Compression's zlib.
/// </summary>
public static class PngEncoder
{
    private const int MaxIdatChunk = 1 << 20;

    public static byte[] Encode(Image image, CompressionLevel level = CompressionLevel.Optimal)
    {
        var filtered = PngRowFilters.FilterAll(image);
        if (level == CompressionLevel.Fastest) return Assemble(image, ZlibEncoder.ForThisThread.Compress(filtered));
        var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, level, leaveOpen: true))
            zlib.Write(filtered);
        return Assemble(image, compressed.GetBuffer().AsSpan(0, (int)compressed.Length));
    }

    public static void Encode(Image image, Stream output, CompressionLevel level = CompressionLevel.Optimal) =>
        output.Write(Encode(image, level));

    // Signature, IHDR, the zlib stream in IDAT chunks of at most 1 MiB, IEND: built in one array, written once.
    private static byte[] Assemble(Image image, ReadOnlySpan<byte> zlibData)
    {
        var idatChunks = Math.Max(1, (zlibData.Length + MaxIdatChunk - 1) / MaxIdatChunk);
        var png = new byte[PngChunks.Signature.Length + (12 + 13) + 12 * idatChunks + zlibData.Length + 12];
        PngChunks.Signature.CopyTo(png);
        var at = PngChunks.Signature.Length;
        Span<byte> ihdr = stackalloc byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, image.Width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr[4..], image.Height);
        ihdr[8] = 8;
        ihdr[9] = (byte)(image.Channels switch { 1 => PngColorType.Grey, 2 => PngColorType.GreyAlpha, 3 => PngColorType.Rgb, _ => PngColorType.Rgba });
        at = WriteChunk(png, at, "IHDR"u8, ihdr);
        var offset = 0;
        do
        {
            var piece = zlibData.Slice(offset, Math.Min(MaxIdatChunk, zlibData.Length - offset));
            at = WriteChunk(png, at, "IDAT"u8, piece);
            offset += piece.Length;
        } while (offset < zlibData.Length);
        WriteChunk(png, at, "IEND"u8, []);
        return png;
    }

    /// <summary>Applies filter <paramref name="type"/> to one scanline; the exact inverse of <see cref="PngScanlines.Unfilter"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Filter(int type, ReadOnlySpan<byte> row, ReadOnlySpan<byte> prior, int bpp, Span<byte> output)
    {
        var n = row.Length;
        var head = Math.Min(bpp, n);
        switch (type)
        {
            case 0:
                row.CopyTo(output);
                break;
            case 1: // Sub
                row[..head].CopyTo(output);
                for (var i = bpp; i < n; i++) output[i] = (byte)(row[i] - row[i - bpp]);
                break;
            case 2: // Up
                for (var i = 0; i < n; i++) output[i] = (byte)(row[i] - prior[i]);
                break;
            case 3: // Average
                for (var i = 0; i < head; i++) output[i] = (byte)(row[i] - (prior[i] >> 1));
                for (var i = bpp; i < n; i++) output[i] = (byte)(row[i] - ((row[i - bpp] + prior[i]) >> 1));
                break;
            default: // Paeth
                for (var i = 0; i < head; i++) output[i] = (byte)(row[i] - prior[i]);
                for (var i = bpp; i < n; i++) output[i] = (byte)(row[i] - PngScanlines.Paeth(row[i - bpp], prior[i], prior[i - bpp]));
                break;
        }
    }

    private static int WriteChunk(byte[] png, int at, ReadOnlySpan<byte> type, ReadOnlySpan<byte> body)
    {
        BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(at), body.Length);
        type.CopyTo(png.AsSpan(at + 4));
        body.CopyTo(png.AsSpan(at + 8));
        var crc = Crc32.Finish(Crc32.Update(Crc32.Start, png.AsSpan(at + 4, 4 + body.Length)));
        BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(at + 8 + body.Length), crc);
        return at + 12 + body.Length;
    }
}
