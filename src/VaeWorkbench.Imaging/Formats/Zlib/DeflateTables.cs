namespace VaeWorkbench.Imaging.Formats.Zlib;

/// <summary>The fixed tables of RFC 1951 §3.2.5–3.2.7: length and distance codes with their extra bits, the fixed code.</summary>
internal static class DeflateTables
{
    public const int EndOfBlock = 256;
    public const int LiteralLengthCodes = 286;
    public const int DistanceCodes = 30;
    public const int CodeLengthCodes = 19;
    public const int MinMatch = 3;
    public const int MaxMatch = 258;
    public const int Window = 32768;

    public static ReadOnlySpan<ushort> LengthBase => [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258];

    public static ReadOnlySpan<byte> LengthExtra => [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];

    public static ReadOnlySpan<ushort> DistanceBase => [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577];

    public static ReadOnlySpan<byte> DistanceExtra => [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13];

    /// <summary>The order in which code-length code lengths are sent (§3.2.7).</summary>
    public static ReadOnlySpan<byte> CodeLengthOrder => [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];

    /// <summary>Length 3..258 -> length code index 0..28 (the symbol is 257 + index).</summary>
    public static readonly byte[] LengthCode = BuildLengthCodes();

    public static readonly byte[] FixedLiteralLengths = BuildFixedLiteralLengths();
    public static readonly ushort[] FixedLiteralCodes = Codes(FixedLiteralLengths);
    public static readonly byte[] FixedDistanceLengths = Enumerable.Repeat((byte)5, DistanceCodes).ToArray();
    public static readonly ushort[] FixedDistanceCodes = Codes(FixedDistanceLengths);

    /// <summary>Distance 1..32768 -> distance code 0..29.</summary>
    public static int DistanceCode(int distance)
    {
        if (distance <= 4) return distance - 1;
        var d = distance - 1;
        var top = 31 - System.Numerics.BitOperations.LeadingZeroCount((uint)d); // floor(log2(d)), at least 2
        return 2 * top + ((d >> (top - 1)) & 1);
    }

    private static byte[] BuildLengthCodes()
    {
        var table = new byte[MaxMatch + 1];
        for (var code = 0; code < LengthBase.Length; code++)
        {
            var end = code + 1 < LengthBase.Length ? LengthBase[code + 1] : MaxMatch + 1;
            for (int length = LengthBase[code]; length < end; length++) table[length] = (byte)code;
        }
        return table;
    }

    private static byte[] BuildFixedLiteralLengths()
    {
        var lengths = new byte[288];
        for (var s = 0; s < 288; s++) lengths[s] = s switch { < 144 => 8, < 256 => 9, < 280 => 7, _ => 8 };
        return lengths;
    }

    private static ushort[] Codes(byte[] lengths)
    {
        var codes = new ushort[lengths.Length];
        HuffmanCode.BuildCodes(lengths, codes);
        return codes;
    }
}
