using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
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
        _blocks.Begin();
        for (var i = 0; i < data.Length;)
        {
            // Runs (a byte repeated from distance 1) are rare in noisy generated images: find the next one with a
            // vectorised search and emit the literals before it in one tight loop.
            var literalsEnd = NextRepeat(data, i, Math.Min(data.Length, i + BlockSymbols - count));
            var literals = data[i..literalsEnd];
            Widen(literals, _symbols.AsSpan(count, literals.Length));
            _blocks.CountLiterals(literals);
            count += literals.Length;
            i = literalsEnd;
            if (i < data.Length && count < BlockSymbols)
            {
                var length = Run(data, i);
                if (length >= MinMatch)
                {
                    _symbols[count++] = DeflateBlockWriter.Match(length, 1);
                    _blocks.CountMatch(length, 1);
                    i += length;
                }
                else
                {
                    _symbols[count++] = data[i];
                    _blocks.CountLiteral(data[i]);
                    i++;
                }
            }
            if (count == BlockSymbols && i < data.Length)
            {
                _blocks.Write(_output, _symbols.AsSpan(0, count), data[blockStart..i], final: false);
                (count, blockStart) = (0, i);
                _blocks.Begin();
            }
        }
        _blocks.Write(_output, _symbols.AsSpan(0, count), data[blockStart..], final: true);
        _output.AlignToByte();
        Span<byte> adler = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(adler, Adler32.Compute(data));
        _output.WriteBytes(adler);
        return _output.Written;
    }

    // Literal symbols are the bytes themselves, as ints.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Widen(ReadOnlySpan<byte> bytes, Span<int> symbols)
    {
        if (symbols.Length < bytes.Length) throw new ArgumentException("symbol buffer too small", nameof(symbols));
        ref var source = ref MemoryMarshal.GetReference(bytes);
        ref var target = ref MemoryMarshal.GetReference(symbols);
        var k = 0;
        for (; k + Vector256<byte>.Count <= bytes.Length; k += Vector256<byte>.Count)
        {
            var (low, high) = Vector256.Widen(Vector256.LoadUnsafe(ref source, (nuint)k));
            var (a, b) = Vector256.Widen(low);
            var (c, d) = Vector256.Widen(high);
            a.AsInt32().StoreUnsafe(ref target, (nuint)k);
            b.AsInt32().StoreUnsafe(ref target, (nuint)(k + 8));
            c.AsInt32().StoreUnsafe(ref target, (nuint)(k + 16));
            d.AsInt32().StoreUnsafe(ref target, (nuint)(k + 24));
        }
        for (; k < bytes.Length; k++) Unsafe.Add(ref target, k) = Unsafe.Add(ref source, k);
    }

    // The first position in [from, end) whose byte equals the byte before it (where a run may start), or end.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int NextRepeat(ReadOnlySpan<byte> data, int from, int end)
    {
        var j = Math.Max(from, 1); // the first byte has nothing before it
        ref var bytes = ref MemoryMarshal.GetReference(data);
        for (; j + Vector256<byte>.Count <= end; j += Vector256<byte>.Count)
        {
            var equal = Vector256.Equals(Vector256.LoadUnsafe(ref bytes, (nuint)j), Vector256.LoadUnsafe(ref bytes, (nuint)(j - 1)));
            if (equal != Vector256<byte>.Zero) return j + BitOperations.TrailingZeroCount(equal.ExtractMostSignificantBits());
        }
        for (; j < end; j++)
            if (data[j] == data[j - 1]) return j;
        return Math.Max(end, from);
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
