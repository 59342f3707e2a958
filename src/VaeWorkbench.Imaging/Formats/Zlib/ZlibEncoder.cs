using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using static VaeWorkbench.Imaging.Formats.Zlib.DeflateTables;

namespace VaeWorkbench.Imaging.Formats.Zlib;

/// <summary>
/// Our own zlib (RFC 1950) compressor for PNG image data, built for the many small images generation writes, where
/// System.IO.Compression's per-stream cost (allocating and clearing zlib's 256 KiB of state) dominates and its fastest
/// level writes only fixed Huffman codes. Matching is run-length only (zlib's Z_RLE strategy: a byte repeated from
/// distance 1): on filtered rows of generated images it gave smaller output than hash-chain matching did (measured with
/// bench generate-breakdown), at a fraction of the cost. Each block is then coded with whichever of dynamic Huffman,
/// fixed Huffman or stored is smallest. The output depends only on the input, so the same pixels always give the same
/// bytes. Not thread-safe: use <see cref="ForThisThread"/>.
/// </summary>
internal sealed class ZlibEncoder
{
    private const int BlockSymbols = 16384; // symbols per block, so the Huffman codes follow the data

    [ThreadStatic] private static ZlibEncoder? s_forThisThread;

    private readonly DeflateBitWriter _output = new();
    private readonly DeflateBlockWriter _blocks = new();
    private readonly int[] _symbols = new int[BlockSymbols];

    public static ZlibEncoder ForThisThread => s_forThisThread ??= new ZlibEncoder();

    /// <summary>Compresses <paramref name="data"/> into a zlib stream; the span stays valid until the next call.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public ReadOnlySpan<byte> Compress(ReadOnlySpan<byte> data)
    {
        _output.Reset(data.Length + data.Length / 8 + 64);
        _output.WriteBits(0x9C78, 16); // CMF: deflate, 32 KiB window; FLG: default level, check bits
        var count = 0;
        var blockStart = 0;
        for (var i = 0; i < data.Length;)
        {
            var length = Run(data, i);
            if (length >= MinMatch)
            {
                _symbols[count++] = DeflateBlockWriter.Match(length, 1);
                i += length;
            }
            else
            {
                _symbols[count++] = data[i];
                i++;
            }
            if (count == BlockSymbols && i < data.Length)
            {
                _blocks.Write(_output, _symbols.AsSpan(0, count), data[blockStart..i], final: false);
                (count, blockStart) = (0, i);
            }
        }
        _blocks.Write(_output, _symbols.AsSpan(0, count), data[blockStart..], final: true);
        _output.AlignToByte();
        Span<byte> adler = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(adler, Adler32.Compute(data));
        _output.WriteBytes(adler);
        return _output.Written;
    }

    // How many bytes from `at` repeat the byte before it (a match at distance 1), up to the longest match DEFLATE has.
    private static int Run(ReadOnlySpan<byte> data, int at)
    {
        if (at == 0 || data[at] != data[at - 1]) return 0;
        var window = data.Slice(at, Math.Min(MaxMatch, data.Length - at));
        var end = window.IndexOfAnyExcept(data[at - 1]);
        return end < 0 ? window.Length : end;
    }
}
