using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
namespace VaeWorkbench.Imaging.Formats.Zlib;

/// <summary>
/// Length-limited canonical Huffman codes for DEFLATE. Lengths come from the two-queue Huffman construction over
/// symbols sorted by (frequency, symbol), so they are deterministic; when the tree is deeper than the limit the length
/// histogram is flattened until the Kraft sum is exact again, and the longest codes go to the rarest symbols.
/// </summary>
internal static class HuffmanCode
{
    /// <summary>
    /// Fills <paramref name="lengths"/> (one per symbol, 0 for unused). At least two symbols always get a code, as
    /// zlib does, so every code is complete and each used symbol costs at least one bit.
    /// </summary>
    public static void BuildLengths(ReadOnlySpan<int> frequencies, Span<byte> lengths, int maxBits)
    {
        Span<int> used = stackalloc int[frequencies.Length];
        BuildLengths(frequencies, used[..UsedSymbols(frequencies, used)], lengths, maxBits);
    }

    /// <summary>
    /// <see cref="BuildLengths(ReadOnlySpan{int}, Span{byte}, int)"/> given the used symbols (<see cref="UsedSymbols(ReadOnlySpan{int}, Span{int})"/>):
    /// every later pass walks those, not the whole alphabet, whose used and unused symbols alternate too irregularly
    /// for the branch predictor (a 28×28 image uses a third of the 286 literal/length symbols).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void BuildLengths(ReadOnlySpan<int> frequencies, ReadOnlySpan<int> usedSymbols, Span<byte> lengths, int maxBits)
    {
        var n = frequencies.Length;
        lengths.Clear();
        var maxFrequency = 0;
        foreach (var symbol in usedSymbols) maxFrequency = Math.Max(maxFrequency, frequencies[symbol]);
        // Pad to two codes with the lowest unused symbols (they are never written, but keep the code complete).
        var padding = Math.Max(0, Math.Min(2, n) - usedSymbols.Length);
        var used = usedSymbols.Length + padding;
        Span<int> leaves = stackalloc int[used];
        Span<int> weights = stackalloc int[2 * used - 1];
        for (int s = 0, p = 0; p < padding; s++)
            if (frequencies[s] <= 0) (leaves[p], weights[p++]) = (s, 0);
        SortByFrequency(frequencies, usedSymbols, maxFrequency, leaves[padding..], weights[padding..]);

        // Two queues: leaves in sorted order, internal nodes in creation order (which is non-decreasing weight).
        Span<int> parent = stackalloc int[2 * used - 1];
        int nextLeaf = 0, nextNode = used;
        for (var node = used; node < 2 * used - 1; node++)
        {
            var a = TakeSmallest(weights, ref nextLeaf, ref nextNode, used, node);
            var b = TakeSmallest(weights, ref nextLeaf, ref nextNode, used, node);
            weights[node] = weights[a] + weights[b];
            parent[a] = parent[b] = node;
        }
        var depth = weights; // reused: depths now
        depth[2 * used - 2] = 0;
        for (var k = 2 * used - 3; k >= 0; k--) depth[k] = depth[parent[k]] + 1;

        // A tree over `used` leaves is at most used − 1 deep.
        Span<int> countPerLength = stackalloc int[Math.Max(maxBits, used) + 1];
        var deepest = 0;
        for (var i = 0; i < used; i++)
        {
            countPerLength[depth[i]]++;
            deepest = Math.Max(deepest, depth[i]);
        }
        if (deepest > maxBits) LimitDepth(countPerLength, maxBits);
        // Leaves are sorted rarest first: hand out the longest lengths first.
        var leaf = 0;
        for (var length = maxBits; length >= 1; length--)
            for (var c = 0; c < countPerLength[length]; c++) lengths[leaves[leaf++]] = (byte)length;
    }

    /// <summary>Canonical codes (RFC 1951 §3.2.2) for the given lengths, bit-reversed for an LSB-first writer; 0 for unused symbols.</summary>
    public static void BuildCodes(ReadOnlySpan<byte> lengths, Span<ushort> codes)
    {
        Span<int> coded = stackalloc int[lengths.Length];
        codes[..lengths.Length].Clear();
        BuildCodes(lengths, coded[..CodedSymbols(lengths, coded)], codes);
    }

    /// <summary>
    /// Canonical codes for the symbols with a length (<see cref="CodedSymbols"/>, in increasing order); the codes of
    /// the other symbols are left as they were, as nothing writes those symbols.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void BuildCodes(ReadOnlySpan<byte> lengths, ReadOnlySpan<int> codedSymbols, Span<ushort> codes)
    {
        Span<int> countPerLength = stackalloc int[16];
        foreach (var symbol in codedSymbols) countPerLength[lengths[symbol]]++;
        Span<int> next = stackalloc int[16];
        var code = 0;
        for (var bits = 1; bits <= 15; bits++)
        {
            code = (code + countPerLength[bits - 1]) << 1;
            next[bits] = code;
        }
        foreach (var symbol in codedSymbols)
        {
            var length = lengths[symbol];
            codes[symbol] = Reverse(next[length]++, length);
        }
    }

    /// <summary>The symbols with a nonzero frequency, in increasing order, into <paramref name="used"/>; returns how many.</summary>
    public static int UsedSymbols(ReadOnlySpan<int> frequencies, Span<int> used) => NonZero(frequencies, used);

    /// <summary>The symbols with a nonzero code length, in increasing order, into <paramref name="coded"/>; returns how many.</summary>
    public static int CodedSymbols(ReadOnlySpan<byte> lengths, Span<int> coded) => NonZero(lengths, coded);

    // The indices of the nonzero values: a mask of the nonzero lanes, then one step per set bit, so there is no branch
    // per symbol to mispredict (frequencies are never negative, so nonzero means used).
    private static int NonZero<T>(ReadOnlySpan<T> values, Span<int> indices) where T : unmanaged, IBinaryInteger<T>
    {
        if (indices.Length < values.Length) throw new ArgumentException("the index buffer is shorter than the alphabet");
        ref var v = ref MemoryMarshal.GetReference(values);
        ref var at = ref MemoryMarshal.GetReference(indices);
        int count = 0, s = 0;
        for (; s + Vector256<T>.Count <= values.Length; s += Vector256<T>.Count)
        {
            var mask = (~Vector256.Equals(Vector256.LoadUnsafe(ref v, (nuint)s), Vector256<T>.Zero)).ExtractMostSignificantBits();
            for (; mask != 0; mask &= mask - 1) Unsafe.Add(ref at, count++) = s + BitOperations.TrailingZeroCount(mask);
        }
        for (; s < values.Length; s++)
            if (!T.IsZero(Unsafe.Add(ref v, s))) Unsafe.Add(ref at, count++) = s;
        return count;
    }

    /// <summary>Larger frequencies than this are sorted by comparison; below it a counting sort is cheaper.</summary>
    private const int CountingSortLimit = 4096;

    // Used symbols in (frequency, symbol) order, so equal frequencies keep symbol order and the lengths are
    // deterministic. Frequencies are bounded by the block's symbol count, so usually a counting sort applies; it beat
    // Array.Sort of the packed keys by ~2 µs per 28×28 image (bench generate-breakdown), with the same order.
    private static void SortByFrequency(ReadOnlySpan<int> frequencies, ReadOnlySpan<int> usedSymbols, int maxFrequency, Span<int> leaves, Span<int> weights)
    {
        if (maxFrequency > CountingSortLimit)
        {
            Span<long> keys = stackalloc long[usedSymbols.Length];
            for (var k = 0; k < usedSymbols.Length; k++) keys[k] = (long)frequencies[usedSymbols[k]] << 16 | (uint)usedSymbols[k];
            keys.Sort();
            for (var i = 0; i < keys.Length; i++) (leaves[i], weights[i]) = ((int)(keys[i] & 0xFFFF), (int)(keys[i] >> 16));
            return;
        }
        Span<int> next = stackalloc int[maxFrequency + 2];
        next.Clear();
        foreach (var s in usedSymbols) next[frequencies[s] + 1]++;
        for (var f = 1; f < next.Length; f++) next[f] += next[f - 1];
        foreach (var s in usedSymbols) // in increasing symbol order, so equal frequencies keep it
        {
            var f = frequencies[s];
            var at = next[f]++;
            (leaves[at], weights[at]) = (s, f);
        }
    }

    private static int TakeSmallest(Span<int> weights, ref int nextLeaf, ref int nextNode, int leafCount, int created)
    {
        // Ties go to the leaf, which keeps trees shallow (the usual choice).
        if (nextLeaf < leafCount && (nextNode >= created || weights[nextLeaf] <= weights[nextNode])) return nextLeaf++;
        return nextNode++;
    }

    // Moves codes deeper than maxBits up to maxBits, then lengthens shorter codes one at a time until the code is
    // exactly complete again (the Kraft sum of 2^-length over all codes equals 1).
    private static void LimitDepth(Span<int> countPerLength, int maxBits)
    {
        for (var length = maxBits + 1; length < countPerLength.Length; length++)
        {
            countPerLength[maxBits] += countPerLength[length];
            countPerLength[length] = 0;
        }
        long kraft = 0; // in units of 2^-maxBits
        for (var length = 1; length <= maxBits; length++) kraft += (long)countPerLength[length] << (maxBits - length);
        while (kraft > 1L << maxBits)
        {
            // Take one code from the deepest level and push one shorter code one level down, which makes room for it.
            countPerLength[maxBits]--;
            for (var length = maxBits - 1; length > 0; length--)
            {
                if (countPerLength[length] == 0) continue;
                countPerLength[length]--;
                countPerLength[length + 1] += 2;
                break;
            }
            kraft--;
        }
    }

    private static ushort Reverse(int code, int length) =>
        (ushort)((ReversedBytes[code & 0xFF] << 8 | ReversedBytes[code >> 8]) >> (16 - length));

    private static readonly byte[] ReversedBytes = Enumerable.Range(0, 256)
        .Select(b => (byte)(((ulong)b * 0x0202020202UL & 0x010884422010UL) % 1023)).ToArray();
}
