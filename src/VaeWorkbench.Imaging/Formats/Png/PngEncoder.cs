using System.Buffers.Binary;
using System.IO.Compression;

namespace VaeWorkbench.Imaging.Formats.Png;

/// <summary>
/// Writes 8-bit grey, grey+alpha, RGB or RGBA PNG. Each scanline gets the filter whose output has the smallest
/// sum of absolute (signed) byte values, the heuristic libpng and the PNG spec recommend; the data is compressed
/// with <see cref="ZLibStream"/>.
/// </summary>
public static class PngEncoder
{
    private const int MaxIdatChunk = 1 << 20;

    public static byte[] Encode(Image image, CompressionLevel level = CompressionLevel.Optimal)
    {
        using var output = new MemoryStream();
        Encode(image, output, level);
        return output.ToArray();
    }

    public static void Encode(Image image, Stream output, CompressionLevel level = CompressionLevel.Optimal)
    {
        var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, level, leaveOpen: true))
            WriteFilteredRows(image, zlib);

        output.Write(PngChunks.Signature);
        Span<byte> ihdr = stackalloc byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, image.Width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr[4..], image.Height);
        ihdr[8] = 8;
        ihdr[9] = (byte)(image.Channels switch { 1 => PngColorType.Grey, 2 => PngColorType.GreyAlpha, 3 => PngColorType.Rgb, _ => PngColorType.Rgba });
        WriteChunk(output, "IHDR"u8, ihdr);
        var data = compressed.GetBuffer().AsSpan(0, (int)compressed.Length);
        for (var at = 0; at < data.Length; at += MaxIdatChunk)
            WriteChunk(output, "IDAT"u8, data.Slice(at, Math.Min(MaxIdatChunk, data.Length - at)));
        WriteChunk(output, "IEND"u8, []);
    }

    private static void WriteFilteredRows(Image image, Stream zlib)
    {
        var stride = image.Stride;
        var bpp = image.Channels;
        var candidates = new byte[5][];
        for (var f = 0; f < 5; f++) candidates[f] = new byte[stride + 1];
        var zeros = new byte[stride];
        for (var y = 0; y < image.Height; y++)
        {
            var row = image.Pixels.AsSpan(y * stride, stride);
            var prior = y == 0 ? zeros : image.Pixels.AsSpan((y - 1) * stride, stride);
            var best = 0;
            var bestScore = long.MaxValue;
            for (var f = 0; f < 5; f++)
            {
                var line = candidates[f];
                line[0] = (byte)f;
                Filter(f, row, prior, bpp, line.AsSpan(1));
                var score = SumOfAbsoluteDifferences(line.AsSpan(1));
                if (score < bestScore) (best, bestScore) = (f, score);
            }
            zlib.Write(candidates[best]);
        }
    }

    /// <summary>Applies filter <paramref name="type"/> to one scanline; the exact inverse of <see cref="PngScanlines.Unfilter"/>.</summary>
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

    private static long SumOfAbsoluteDifferences(ReadOnlySpan<byte> filtered)
    {
        long sum = 0;
        foreach (var b in filtered) sum += Math.Abs((int)(sbyte)b);
        return sum;
    }

    private static void WriteChunk(Stream output, ReadOnlySpan<byte> type, ReadOnlySpan<byte> body)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, body.Length);
        output.Write(word);
        output.Write(type);
        output.Write(body);
        BinaryPrimitives.WriteUInt32BigEndian(word, Crc32.Finish(Crc32.Update(Crc32.Update(Crc32.Start, type), body)));
        output.Write(word);
    }
}
