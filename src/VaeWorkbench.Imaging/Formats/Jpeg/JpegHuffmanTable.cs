namespace VaeWorkbench.Imaging.Formats.Jpeg;

/// <summary>
/// One Huffman table from a DHT segment, in the form the bit reader decodes with: a lookup indexed by the next
/// <see cref="LookupBits"/> bits for short codes (almost every code in practice), and libjpeg's canonical
/// max-code/offset arrays for the rare longer ones.
/// </summary>
internal sealed class JpegHuffmanTable
{
    public const int LookupBits = 9;

    /// <summary>(code length &lt;&lt; 8) | symbol for codes of at most <see cref="LookupBits"/> bits; 0 means "longer code".</summary>
    public readonly ushort[] Lookup = new ushort[1 << LookupBits];

    /// <summary>Largest code of each length 1..16 (-1 when there is none); index 17 is a sentinel.</summary>
    public readonly int[] MaxCode = new int[18];

    /// <summary>Added to a code of a given length to find its symbol's index in <see cref="Symbols"/>.</summary>
    public readonly int[] SymbolOffset = new int[18];

    public readonly byte[] Symbols = new byte[256];

    /// <summary>
    /// For AC tables: for each <see cref="LookupBits"/>-bit lookahead whose code and the magnitude bits after it both
    /// fit, (signed value &lt;&lt; 8) | (zero run &lt;&lt; 4) | total bits; 0 otherwise (including EOB and ZRL).
    /// Lets the common small coefficients decode with one lookup.
    /// </summary>
    public readonly int[] FastAc = new int[1 << LookupBits];

    /// <param name="counts">Number of codes of each length 1..16.</param>
    /// <param name="symbols">The symbols in code order.</param>
    /// <param name="describe">Names the table in error messages, e.g. "DC table 0 at offset 20".</param>
    public JpegHuffmanTable(ReadOnlySpan<byte> counts, ReadOnlySpan<byte> symbols, string describe)
    {
        symbols.CopyTo(Symbols);
        int code = 0;
        int index = 0;
        for (int length = 1; length <= 16; length++)
        {
            int count = counts[length - 1];
            SymbolOffset[length] = index - code;
            if (count > 0)
            {
                for (int i = 0; i < count; i++, index++, code++)
                {
                    // Codes of this length must fit in it without reaching the all-ones code (libjpeg's
                    // JERR_BAD_HUFF_TABLE check), which also keeps the lookup fill below in bounds.
                    if (code + 1 >= (1 << length))
                        throw new InvalidImageException($"JPEG Huffman {describe} has more codes of length {length} than fit");
                    if (length <= LookupBits)
                    {
                        // Every LookupBits-bit pattern that starts with this code decodes to it.
                        int shift = LookupBits - length;
                        int first = code << shift;
                        ushort entry = (ushort)(length << 8 | symbols[index]);
                        Lookup.AsSpan(first, 1 << shift).Fill(entry);
                    }
                }
                MaxCode[length] = code - 1;
            }
            else
            {
                MaxCode[length] = -1;
            }
            code <<= 1;
        }

        MaxCode[17] = int.MaxValue;
        BuildFastAc();
    }

    private void BuildFastAc()
    {
        for (int bits = 0; bits < Lookup.Length; bits++)
        {
            int entry = Lookup[bits];
            if (entry == 0) continue;
            int codeLength = entry >> 8;
            int run = (entry >> 4) & 15;
            int size = entry & 15;
            if (size == 0 || codeLength + size > LookupBits) continue;
            int magnitude = (bits >> (LookupBits - codeLength - size)) & ((1 << size) - 1);
            int value = magnitude < 1 << (size - 1) ? magnitude - (1 << size) + 1 : magnitude;
            FastAc[bits] = value << 8 | run << 4 | (codeLength + size);
        }
    }
}
