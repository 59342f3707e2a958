using System.Runtime.CompilerServices;
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
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void BuildLengths(ReadOnlySpan<int> frequencies, Span<byte> lengths, int maxBits)
    {
        var n = frequencies.Length;
        lengths.Clear();
        var used = 0;
        var maxFrequency = 0;
        foreach (var f in frequencies)
        {
            if (f <= 0) continue;
            used++;
            maxFrequency = Math.Max(maxFrequency, f);
        }
        // Pad to two codes with the lowest unused symbols (they are never written, but keep the code complete).
        var padding = Math.Max(0, Math.Min(2, n) - used);
        used += padding;
        Span<int> leaves = stackalloc int[used];
        Span<int> weights = stackalloc int[2 * used - 1];
        for (int s = 0, p = 0; p < padding; s++)
            if (frequencies[s] <= 0) (leaves[p], weights[p++]) = (s, 0);
        SortByFrequency(frequencies, maxFrequency, leaves[padding..], weights[padding..]);

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

    /// <summary>Canonical codes (RFC 1951 §3.2.2) for the given lengths, bit-reversed for an LSB-first writer.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void BuildCodes(ReadOnlySpan<byte> lengths, Span<ushort> codes)
    {
        Span<int> countPerLength = stackalloc int[16];
        foreach (var length in lengths) countPerLength[length]++;
        countPerLength[0] = 0;
        Span<int> next = stackalloc int[16];
        var code = 0;
        for (var bits = 1; bits <= 15; bits++)
        {
            code = (code + countPerLength[bits - 1]) << 1;
            next[bits] = code;
        }
        for (var s = 0; s < lengths.Length; s++)
        {
            var length = lengths[s];
            codes[s] = length == 0 ? (ushort)0 : Reverse(next[length]++, length);
        }
    }

    /// <summary>Larger frequencies than this are sorted by comparison; below it a counting sort is cheaper.</summary>
    private const int CountingSortLimit = 4096;

    // Used symbols in (frequency, symbol) order, so equal frequencies keep symbol order and the lengths are
    // deterministic. Frequencies are bounded by the block's symbol count, so usually a counting sort applies; it beat
    // Array.Sort of the packed keys by ~2 µs per 28×28 image (bench generate-breakdown), with the same order.
    private static void SortByFrequency(ReadOnlySpan<int> frequencies, int maxFrequency, Span<int> leaves, Span<int> weights)
    {
        if (maxFrequency > CountingSortLimit)
        {
            Span<long> keys = stackalloc long[leaves.Length];
            for (int s = 0, k = 0; s < frequencies.Length; s++)
                if (frequencies[s] > 0) keys[k++] = (long)frequencies[s] << 16 | (uint)s;
            keys.Sort();
            for (var i = 0; i < keys.Length; i++) (leaves[i], weights[i]) = ((int)(keys[i] & 0xFFFF), (int)(keys[i] >> 16));
            return;
        }
        Span<int> next = stackalloc int[maxFrequency + 2];
        next.Clear();
        foreach (var f in frequencies)
            if (f > 0) next[f + 1]++;
        for (var f = 1; f < next.Length; f++) next[f] += next[f - 1];
        for (var s = 0; s < frequencies.Length; s++)
        {
            var f = frequencies[s];
            if (f <= 0) continue;
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
