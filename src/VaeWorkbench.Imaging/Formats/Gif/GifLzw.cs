namespace VaeWorkbench.Imaging.Formats.Gif;

/// <summary>The GIF variant of LZW: variable-width codes (up to 12 bits, least significant bit first) packed in sub-blocks.</summary>
internal static class GifLzw
{
    private const int MaxCodes = 4096;

    /// <summary>
    /// Fails before any allocation when the frame needs more pixels than its LZW data could produce: each code adds at
    /// most one character to the longest string, so n codes give at most n·min(n, 4096) pixels.
    /// </summary>
    public static void CheckCapacity(ReadOnlySpan<byte> data, int at, int minCodeSize, long pixels)
    {
        CheckMinCodeSize(minCodeSize, at);
        long bytes = 0;
        while (at < data.Length && data[at] != 0)
        {
            bytes += data[at];
            at += data[at] + 1;
        }
        var codes = bytes * 8 / Math.Max(3, minCodeSize + 1);
        if (pixels > codes * Math.Min(codes, MaxCodes))
            throw new InvalidImageException($"GIF image data holds {bytes} bytes, which cannot decode to the {pixels} pixels the frame declares");
    }

    private static void CheckMinCodeSize(int minCodeSize, int at)
    {
        if (minCodeSize is < 2 or > 11) throw new InvalidImageException($"GIF LZW minimum code size {minCodeSize} at offset {at - 1} is outside 2..11");
    }

    /// <summary>Fills <paramref name="output"/> with palette indices; throws when the data ends early or holds an impossible code.</summary>
    public static void Decode(ReadOnlySpan<byte> data, int at, int minCodeSize, Span<byte> output)
    {
        CheckMinCodeSize(minCodeSize, at);
        var clear = 1 << minCodeSize;
        var end = clear + 1;
        Span<short> prefix = stackalloc short[MaxCodes];
        Span<byte> suffix = stackalloc byte[MaxCodes];
        Span<byte> first = stackalloc byte[MaxCodes];
        Span<byte> stack = stackalloc byte[MaxCodes + 1];
        for (var i = 0; i < clear; i++) (prefix[i], suffix[i], first[i]) = (-1, (byte)i, (byte)i);

        var codeSize = minCodeSize + 1;
        var next = clear + 2;
        var previous = -1;
        var written = 0;
        uint bits = 0;
        var bitCount = 0;
        var blockLeft = 0;
        while (written < output.Length)
        {
            while (bitCount < codeSize)
            {
                if (blockLeft == 0)
                {
                    if (at >= data.Length || data[at] == 0)
                        throw new InvalidImageException($"GIF image data ends at offset {at} after {written} of {output.Length} pixels");
                    blockLeft = data[at++];
                }
                if (at >= data.Length) throw new InvalidImageException($"GIF image data sub-block is truncated at offset {at}");
                bits |= (uint)data[at++] << bitCount;
                bitCount += 8;
                blockLeft--;
            }
            var code = (int)(bits & ((1u << codeSize) - 1));
            bits >>= codeSize;
            bitCount -= codeSize;

            if (code == clear)
            {
                codeSize = minCodeSize + 1;
                next = clear + 2;
                previous = -1;
                continue;
            }
            if (code == end) throw new InvalidImageException($"GIF image data ends (end code) after {written} of {output.Length} pixels");
            if (code > next || (code == next && previous < 0))
                throw new InvalidImageException($"GIF LZW code {code} near offset {at} is not yet defined (next is {next})");

            if (code == next)
            {
                // KwKwK: the code being defined now is the previous string plus its own first character.
                AddEntry(prefix, suffix, first, ref next, ref codeSize, previous, first[previous]);
                if (code == next) throw new InvalidImageException($"GIF LZW code {code} near offset {at} cannot be defined: the table is full");
            }
            else if (previous >= 0)
            {
                AddEntry(prefix, suffix, first, ref next, ref codeSize, previous, first[code]);
            }
            var depth = 0;
            for (var walk = code; walk >= 0; walk = prefix[walk]) stack[depth++] = suffix[walk];
            // The stack holds the string last character first.
            for (var i = depth - 1; i >= 0 && written < output.Length; i--) output[written++] = stack[i];
            previous = code;
        }
    }

    private static void AddEntry(Span<short> prefix, Span<byte> suffix, Span<byte> first, ref int next, ref int codeSize, int previous, byte character)
    {
        if (next >= MaxCodes) return; // a full table stays frozen until the next clear code
        prefix[next] = (short)previous;
        suffix[next] = character;
        first[next] = first[previous];
        next++;
        if (next == 1 << codeSize && codeSize < 12) codeSize++;
    }
}
