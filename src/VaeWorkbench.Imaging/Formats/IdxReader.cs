using System.Buffers.Binary;
using System.IO.Compression;

namespace VaeWorkbench.Imaging.Formats;

/// <summary>Images from an MNIST-style IDX3 file: <c>Count</c> grey images of <c>Rows</c>×<c>Columns</c>, row-major bytes.</summary>
public sealed record IdxImages(int Count, int Rows, int Columns, byte[] Pixels)
{
    public ReadOnlySpan<byte> ImageBytes(int index) => Pixels.AsSpan(index * Rows * Columns, Rows * Columns);
}

/// <summary>
/// Reads MNIST-style IDX files (<c>*-idx3-ubyte</c> images, <c>*-idx1-ubyte</c> labels), plain or gzip-compressed.
/// The header is validated against the limits before the payload is allocated.
/// </summary>
public static class IdxReader
{
    private const byte UnsignedByteType = 0x08;

    public static IdxImages ReadImages(string path, DecodeLimits? limits = null)
    {
        using var stream = File.OpenRead(path);
        return ReadImages(stream, limits);
    }

    public static byte[] ReadLabels(string path, DecodeLimits? limits = null)
    {
        using var stream = File.OpenRead(path);
        return ReadLabels(stream, limits);
    }

    public static IdxImages ReadImages(Stream stream, DecodeLimits? limits = null)
    {
        limits ??= DecodeLimits.Default;
        using var input = OpenPayload(stream, limits);
        var dims = ReadHeader(input, expectedDimensions: 3);
        var (count, rows, columns) = (dims[0], dims[1], dims[2]);
        limits.CheckDimensions("IDX", columns, rows, "image header");
        var total = (long)count * rows * columns;
        if (total > limits.MaxDecompressedBytes)
            throw new InvalidImageException($"IDX header declares {count} images of {rows}x{columns} = {total} bytes, limit is {limits.MaxDecompressedBytes}");
        var pixels = new byte[total];
        ReadPayload(input, pixels, "image");
        return new IdxImages(count, rows, columns, pixels);
    }

    public static byte[] ReadLabels(Stream stream, DecodeLimits? limits = null)
    {
        limits ??= DecodeLimits.Default;
        using var input = OpenPayload(stream, limits);
        var count = ReadHeader(input, expectedDimensions: 1)[0];
        if (count > limits.MaxDecompressedBytes)
            throw new InvalidImageException($"IDX header declares {count} labels, limit is {limits.MaxDecompressedBytes}");
        var labels = new byte[count];
        ReadPayload(input, labels, "label");
        return labels;
    }

    /// <summary>True when the bytes start with an IDX magic number (two zero bytes, a type byte and a dimension count).</summary>
    public static bool LooksLikeIdx(ReadOnlySpan<byte> header) =>
        header.Length >= 4 && header[0] == 0 && header[1] == 0 && header[2] is 0x08 or 0x09 or 0x0B or 0x0C or 0x0D or 0x0E && header[3] is >= 1 and <= 4;

    private static Stream OpenPayload(Stream stream, DecodeLimits limits)
    {
        var buffered = new BufferedStream(stream, 1 << 16);
        Span<byte> magic = stackalloc byte[2];
        var n = buffered.Read(magic);
        if (n < 2) throw new InvalidImageException("IDX file is shorter than its 4-byte magic number");
        // BufferedStream cannot un-read, so rebuild the stream with the two peeked bytes in front.
        var prefixed = new PrefixedStream(magic[..n].ToArray(), buffered);
        var isGzip = magic[0] == 0x1F && magic[1] == 0x8B;
        return isGzip
            ? new CountingReadStream(new GZipStream(prefixed, CompressionMode.Decompress), limits.MaxDecompressedBytes, "IDX gzip stream")
            : prefixed;
    }

    private static int[] ReadHeader(Stream input, int expectedDimensions)
    {
        Span<byte> magic = stackalloc byte[4];
        ReadExactly(input, magic, "magic number", offset: 0);
        if (magic[0] != 0 || magic[1] != 0)
            throw new InvalidImageException($"IDX magic number must start with two zero bytes (got 0x{magic[0]:X2}{magic[1]:X2})");
        if (magic[2] != UnsignedByteType)
            throw new InvalidImageException($"IDX data type 0x{magic[2]:X2} is not supported; only unsigned bytes (0x08)");
        if (magic[3] != expectedDimensions)
            throw new InvalidImageException($"IDX file has {magic[3]} dimensions, expected {expectedDimensions} ({(expectedDimensions == 3 ? "images" : "labels")})");
        var dims = new int[expectedDimensions];
        Span<byte> word = stackalloc byte[4];
        for (var i = 0; i < expectedDimensions; i++)
        {
            ReadExactly(input, word, $"dimension {i}", offset: 4 + 4 * i);
            var value = BinaryPrimitives.ReadUInt32BigEndian(word);
            if (value == 0 || value > int.MaxValue)
                throw new InvalidImageException($"IDX dimension {i} is {value} at offset {4 + 4 * i}");
            dims[i] = (int)value;
        }
        return dims;
    }

    private static void ReadPayload(Stream input, byte[] target, string what)
    {
        var read = 0;
        while (read < target.Length)
        {
            var n = ReadChecked(input, target.AsSpan(read));
            if (n == 0)
                throw new InvalidImageException($"IDX {what} data is truncated: {read} of {target.Length} bytes present");
            read += n;
        }
    }

    private static void ReadExactly(Stream input, Span<byte> buffer, string what, int offset)
    {
        var read = 0;
        while (read < buffer.Length)
        {
            var n = ReadChecked(input, buffer[read..]);
            if (n == 0) throw new InvalidImageException($"IDX file ends inside its {what} at offset {offset + read}");
            read += n;
        }
    }

    /// <summary>A damaged gzip stream throws InvalidDataException or a zlib IOException; report it as bad input.</summary>
    private static int ReadChecked(Stream input, Span<byte> buffer)
    {
        try
        {
            return input.Read(buffer);
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            throw new InvalidImageException($"IDX gzip data is corrupt: {e.Message}", e);
        }
    }

    /// <summary>A stream that yields a few already-read bytes before the rest of an inner stream.</summary>
    private sealed class PrefixedStream(byte[] prefix, Stream inner) : ReadOnlyStream(inner)
    {
        private int _prefixPos;

        public override int Read(Span<byte> buffer)
        {
            if (_prefixPos < prefix.Length)
            {
                var n = Math.Min(buffer.Length, prefix.Length - _prefixPos);
                prefix.AsSpan(_prefixPos, n).CopyTo(buffer);
                _prefixPos += n;
                return n;
            }
            return Inner.Read(buffer);
        }
    }
}
