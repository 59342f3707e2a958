namespace VaeWorkbench.Imaging.Formats.Png;

/// <summary>
/// Chooses and applies a filter for every scanline: the one whose output has the smallest sum of absolute (signed)
/// byte values, the heuristic libpng and the PNG spec recommend, ties going to the lower filter number. The five
/// scores are computed together (vectorised in <see cref="PngFilterScores"/>) and only the winner is written.
/// </summary>
internal static class PngRowFilters
{
    /// <summary>The IDAT payload before compression: each row as its filter byte then the filtered samples.</summary>
    public static byte[] FilterAll(Image image)
    {
        var stride = image.Stride;
        var output = new byte[image.Height * (stride + 1)];
        if (PngFilterScores.IsSupported)
        {
            PngFilterScores.FilterAll(image.Pixels, image.Height, stride, image.Channels, output);
            return output;
        }
        var zeros = new byte[stride];
        for (var y = 0; y < image.Height; y++)
        {
            var row = image.Pixels.AsSpan(y * stride, stride);
            var prior = y == 0 ? zeros : image.Pixels.AsSpan((y - 1) * stride, stride);
            var line = output.AsSpan(y * (stride + 1), stride + 1);
            var filter = ChooseScalar(row, prior, image.Channels);
            line[0] = (byte)filter;
            PngEncoder.Filter(filter, row, prior, image.Channels, line[1..]);
        }
        return output;
    }

    /// <summary>The filter (0–4) with the smallest sum of |signed filtered byte| for this row.</summary>
    public static int Choose(ReadOnlySpan<byte> row, ReadOnlySpan<byte> prior, int bpp)
    {
        if (!PngFilterScores.IsSupported) return ChooseScalar(row, prior, bpp);
        Span<long> scores = stackalloc long[5];
        PngFilterScores.Compute(row, prior, bpp, scores);
        var best = 0;
        for (var f = 1; f < 5; f++)
            if (scores[f] < scores[best]) best = f;
        return best;
    }

    /// <summary>The same choice in one scalar pass, for machines without 256-bit vectors.</summary>
    internal static int ChooseScalar(ReadOnlySpan<byte> row, ReadOnlySpan<byte> prior, int bpp)
    {
        long none = 0, sub = 0, up = 0, average = 0, paeth = 0;
        for (var i = 0; i < row.Length; i++)
        {
            int x = row[i], b = prior[i];
            int a = 0, c = 0;
            if (i >= bpp)
            {
                a = row[i - bpp];
                c = prior[i - bpp];
            }
            none += Math.Abs((int)(sbyte)x);
            sub += Math.Abs((int)(sbyte)(x - a));
            up += Math.Abs((int)(sbyte)(x - b));
            average += Math.Abs((int)(sbyte)(x - ((a + b) >> 1)));
            paeth += Math.Abs((int)(sbyte)(x - PngScanlines.Paeth((byte)a, (byte)b, (byte)c)));
        }
        var best = 0;
        var bestScore = none;
        if (sub < bestScore) (best, bestScore) = (1, sub);
        if (up < bestScore) (best, bestScore) = (2, up);
        if (average < bestScore) (best, bestScore) = (3, average);
        if (paeth < bestScore) best = 4;
        return best;
    }

    /// <summary>Reference for <see cref="Choose"/>: applies each filter in full and scores its output.</summary>
    internal static int ChooseNaive(ReadOnlySpan<byte> row, ReadOnlySpan<byte> prior, int bpp)
    {
        var line = new byte[row.Length];
        var best = 0;
        var bestScore = long.MaxValue;
        for (var f = 0; f < 5; f++)
        {
            PngEncoder.Filter(f, row, prior, bpp, line);
            long score = 0;
            foreach (var v in line) score += Math.Abs((int)(sbyte)v);
            if (score < bestScore) (best, bestScore) = (f, score);
        }
        return best;
    }
}
