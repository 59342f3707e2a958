using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using static VaeWorkbench.Imaging.Formats.Zlib.DeflateTables;

namespace VaeWorkbench.Imaging.Formats.Zlib;

/// <summary>
/// Writes one DEFLATE block from LZ77 symbols as whichever of dynamic Huffman, fixed Huffman or stored is smallest
/// (the costs are counted exactly, in bits, before anything is written). A symbol is a literal byte (below 65536) or
/// a match packed as <c>length &lt;&lt; 16 | distance</c>. The encoder counts each symbol as it makes it
/// (<see cref="Begin"/>, <see cref="CountLiteral"/>, <see cref="CountMatch"/>), which saved a second pass over them.
/// </summary>
internal sealed class DeflateBlockWriter
{
    private readonly int[] _literalFrequencies = new int[LiteralLengthCodes];
    private readonly int[] _distanceFrequencies = new int[DistanceCodes];
    private readonly byte[] _literalLengths = new byte[LiteralLengthCodes];
    private readonly byte[] _distanceLengths = new byte[DistanceCodes];
    private readonly ushort[] _literalCodes = new ushort[LiteralLengthCodes];
    private readonly ushort[] _distanceCodes = new ushort[DistanceCodes];
    private readonly int[] _codeLengthFrequencies = new int[CodeLengthCodes];
    private readonly byte[] _codeLengthLengths = new byte[CodeLengthCodes];
    private readonly ushort[] _codeLengthCodes = new ushort[CodeLengthCodes];
    // Run-length tokens of the code lengths: symbol 0..18 in the low byte, its extra-bits value above.
    private readonly int[] _tokens = new int[LiteralLengthCodes + DistanceCodes];
    private readonly byte[] _allLengths = new byte[LiteralLengthCodes + DistanceCodes];

    public static bool IsMatch(int symbol) => symbol >= 1 << 16;

    public static int Match(int length, int distance) => length << 16 | distance;

    /// <summary>Writes the block of <paramref name="symbols"/>, each counted since <see cref="Begin"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Write(DeflateBitWriter output, ReadOnlySpan<int> symbols, ReadOnlySpan<byte> raw, bool final)
    {
        _literalFrequencies[EndOfBlock] = 1;
        // The used symbols, listed once: every pass below walks those rather than the whole alphabets.
        Span<int> usedLiterals = stackalloc int[LiteralLengthCodes];
        usedLiterals = usedLiterals[..HuffmanCode.UsedSymbols(_literalFrequencies, usedLiterals)];
        Span<int> usedDistances = stackalloc int[DistanceCodes];
        usedDistances = usedDistances[..HuffmanCode.UsedSymbols(_distanceFrequencies, usedDistances)];
        HuffmanCode.BuildLengths(_literalFrequencies, usedLiterals, _literalLengths, 15);
        HuffmanCode.BuildLengths(_distanceFrequencies, usedDistances, _distanceLengths, 15);
        var literalCount = LiteralLengthCodes;
        while (literalCount > 257 && _literalLengths[literalCount - 1] == 0) literalCount--;
        var distanceCount = DistanceCodes;
        while (distanceCount > 1 && _distanceLengths[distanceCount - 1] == 0) distanceCount--;
        var tokenCount = Tokenize(literalCount, distanceCount);
        HuffmanCode.BuildLengths(_codeLengthFrequencies, _codeLengthLengths, 7);
        var codeLengthCount = CodeLengthCodes;
        while (codeLengthCount > 4 && _codeLengthLengths[CodeLengthOrder[codeLengthCount - 1]] == 0) codeLengthCount--;

        long extraBits = ExtraBits();
        var dynamicBits = 3 + 14 + 3L * codeLengthCount + TokenBits(tokenCount) + DataBits(_literalLengths, _distanceLengths, usedLiterals, usedDistances) + extraBits;
        var fixedBits = 3 + DataBits(FixedLiteralLengths, FixedDistanceLengths, usedLiterals, usedDistances) + extraBits;
        var storedBits = 8L * (raw.Length + 5L * Math.Max(1, (raw.Length + 65534) / 65535)) + 10;
        if (storedBits < dynamicBits && storedBits < fixedBits)
        {
            WriteStored(output, raw, final);
            return;
        }
        if (fixedBits <= dynamicBits)
        {
            output.WriteBits(final ? 3u : 2u, 3); // BFINAL, BTYPE = 01
            WriteSymbols(output, symbols, FixedLiteralLengths, FixedLiteralCodes, FixedDistanceLengths, FixedDistanceCodes);
            return;
        }
        output.WriteBits(final ? 5u : 4u, 3); // BFINAL, BTYPE = 10
        output.WriteBits((uint)(literalCount - 257), 5);
        output.WriteBits((uint)(distanceCount - 1), 5);
        output.WriteBits((uint)(codeLengthCount - 4), 4);
        Span<int> coded = stackalloc int[LiteralLengthCodes];
        HuffmanCode.BuildCodes(_codeLengthLengths, coded[..HuffmanCode.CodedSymbols(_codeLengthLengths, coded)], _codeLengthCodes);
        for (var i = 0; i < codeLengthCount; i++) output.WriteBits(_codeLengthLengths[CodeLengthOrder[i]], 3);
        for (var t = 0; t < tokenCount; t++)
        {
            var symbol = _tokens[t] & 0xFF;
            output.WriteBits(_codeLengthCodes[symbol], _codeLengthLengths[symbol]);
            if (symbol >= 16) output.WriteBits((uint)(_tokens[t] >> 8), symbol == 16 ? 2 : symbol == 17 ? 3 : 7);
        }
        // Padding may have given unused symbols a length, so the coded symbols come from the lengths.
        HuffmanCode.BuildCodes(_literalLengths, coded[..HuffmanCode.CodedSymbols(_literalLengths, coded)], _literalCodes);
        HuffmanCode.BuildCodes(_distanceLengths, coded[..HuffmanCode.CodedSymbols(_distanceLengths, coded)], _distanceCodes);
        WriteSymbols(output, symbols, _literalLengths, _literalCodes, _distanceLengths, _distanceCodes);
    }

    /// <summary>Starts a block: clears the counts that <see cref="CountLiteral"/> and <see cref="CountMatch"/> add to.</summary>
    public void Begin()
    {
        _literalFrequencies.AsSpan().Clear();
        _distanceFrequencies.AsSpan().Clear();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void CountLiteral(byte literal) => _literalFrequencies[literal]++;

    public void CountLiterals(ReadOnlySpan<byte> literals)
    {
        ref var frequencies = ref MemoryMarshal.GetArrayDataReference(_literalFrequencies); // 286 entries: every byte has one
        foreach (var literal in literals) Unsafe.Add(ref frequencies, literal)++;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void CountMatch(int length, int distance)
    {
        _literalFrequencies[257 + LengthCode[length]]++;
        _distanceFrequencies[DistanceCode(distance)]++;
    }

    // Run-length codes the concatenated lengths with 16 (repeat the previous 3–6 times), 17 (3–10 zeros) and
    // 18 (11–138 zeros), and counts the tokens' frequencies.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int Tokenize(int literalCount, int distanceCount)
    {
        var total = literalCount + distanceCount;
        _literalLengths.AsSpan(0, literalCount).CopyTo(_allLengths);
        _distanceLengths.AsSpan(0, distanceCount).CopyTo(_allLengths.AsSpan(literalCount));
        Array.Clear(_codeLengthFrequencies);
        var count = 0;
        for (var i = 0; i < total;)
        {
            var value = _allLengths[i];
            var run = 1;
            while (i + run < total && _allLengths[i + run] == value) run++;
            i += run;
            if (value == 0)
            {
                for (; run >= 11; run -= Math.Min(run, 138)) count = Add(count, 18, Math.Min(run, 138) - 11);
                if (run >= 3)
                {
                    count = Add(count, 17, run - 3);
                    run = 0;
                }
            }
            else
            {
                count = Add(count, value, 0);
                run--;
                for (; run >= 3; run -= Math.Min(run, 6)) count = Add(count, 16, Math.Min(run, 6) - 3);
            }
            for (; run > 0; run--) count = Add(count, value, 0);
        }
        return count;
    }

    private int Add(int count, int symbol, int extra)
    {
        _tokens[count] = symbol | extra << 8;
        _codeLengthFrequencies[symbol]++;
        return count + 1;
    }

    private long TokenBits(int tokenCount)
    {
        long bits = 0;
        for (var t = 0; t < tokenCount; t++)
        {
            var symbol = _tokens[t] & 0xFF;
            bits += _codeLengthLengths[symbol] + (symbol == 16 ? 2 : symbol == 17 ? 3 : symbol == 18 ? 7 : 0);
        }
        return bits;
    }

    private long DataBits(byte[] literalLengths, byte[] distanceLengths, ReadOnlySpan<int> usedLiterals, ReadOnlySpan<int> usedDistances)
    {
        long bits = 0;
        foreach (var s in usedLiterals) bits += (long)_literalFrequencies[s] * literalLengths[s];
        foreach (var d in usedDistances) bits += (long)_distanceFrequencies[d] * distanceLengths[d];
        return bits;
    }

    private long ExtraBits()
    {
        long bits = 0;
        for (var c = 0; c < LengthExtra.Length; c++) bits += (long)_literalFrequencies[257 + c] * LengthExtra[c];
        for (var d = 0; d < DistanceCodes; d++) bits += (long)_distanceFrequencies[d] * DistanceExtra[d];
        return bits;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void WriteSymbols(DeflateBitWriter output, ReadOnlySpan<int> symbols, byte[] literalLengths, ushort[] literalCodes,
        byte[] distanceLengths, ushort[] distanceCodes)
    {
        // Each symbol is at most 15 + 5 + 15 + 13 bits: 6 bytes. The bits stay in a local struct, not in the writer's fields.
        var sink = output.Borrow(6 * symbols.Length + 8);
        ref var codes = ref MemoryMarshal.GetArrayDataReference(literalCodes); // literals are bytes: inside the 286 entries
        ref var lengths = ref MemoryMarshal.GetArrayDataReference(literalLengths);
        for (var i = 0; i < symbols.Length; i++)
        {
            var symbol = symbols[i];
            if (!IsMatch(symbol))
            {
                // Two literals in one write (at most 15 + 15 bits): most of a noisy image's symbols are literals.
                uint bits = Unsafe.Add(ref codes, symbol);
                int count = Unsafe.Add(ref lengths, symbol);
                if (i + 1 < symbols.Length && !IsMatch(symbols[i + 1]))
                {
                    var next = symbols[++i];
                    bits |= (uint)Unsafe.Add(ref codes, next) << count;
                    count += Unsafe.Add(ref lengths, next);
                }
                sink.Write(bits, count);
                continue;
            }
            // A code and its extra bits in one write (at most 15 + 5 and 15 + 13 bits): the extra bits follow the code.
            var length = symbol >> 16;
            var lengthCode = LengthCode[length];
            int codeBits = literalLengths[257 + lengthCode];
            sink.Write(literalCodes[257 + lengthCode] | (uint)(length - LengthBase[lengthCode]) << codeBits, codeBits + LengthExtra[lengthCode]);
            var distance = symbol & 0xFFFF;
            var distanceCode = DistanceCode(distance);
            codeBits = distanceLengths[distanceCode];
            sink.Write(distanceCodes[distanceCode] | (uint)(distance - DistanceBase[distanceCode]) << codeBits, codeBits + DistanceExtra[distanceCode]);
        }
        sink.Write(literalCodes[EndOfBlock], literalLengths[EndOfBlock]);
        output.Return(sink);
    }

    private static void WriteStored(DeflateBitWriter output, ReadOnlySpan<byte> raw, bool final)
    {
        do
        {
            var piece = raw[..Math.Min(65535, raw.Length)];
            raw = raw[piece.Length..];
            output.WriteBits(final && raw.IsEmpty ? 1u : 0u, 3); // BFINAL, BTYPE = 00
            output.AlignToByte();
            output.WriteBits((uint)piece.Length | (uint)(~piece.Length & 0xFFFF) << 16, 32);
            output.WriteBytes(piece);
        } while (!raw.IsEmpty);
    }
}
