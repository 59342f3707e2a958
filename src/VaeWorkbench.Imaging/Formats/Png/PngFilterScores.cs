using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace VaeWorkbench.Imaging.Formats.Png;

/// <summary>
/// The five filters' scores for one scanline (sum of |signed filtered byte|), 32 samples at a time in 16-bit lanes.
/// The row and the prior row are copied behind <c>bpp</c> zero bytes, so the left neighbours a and c are plain loads
/// at an offset for every pixel size, the first pixel included. Exact: the same scores as the scalar loop.
/// </summary>
internal static class PngFilterScores
{
    private const int Lanes = 32;
    // Each 16-bit lane gains at most 2 · 128 per block; flushing every 64 blocks stays far below 32767.
    private const int BlocksPerFlush = 64;

    public static bool IsSupported => Vector256.IsHardwareAccelerated;

    /// <summary>Fills <paramref name="scores"/>[0..5] for filters None, Sub, Up, Average and Paeth.</summary>
    public static void Compute(ReadOnlySpan<byte> row, ReadOnlySpan<byte> prior, int bpp, Span<long> scores) =>
        ChooseAndFilter(row, prior, bpp, scores, []);

    /// <summary>
    /// Scores the five filters, then writes the best one's bytes to <paramref name="output"/> (unless it is empty) with
    /// the same vectors, and returns the filter's number: one copy of the rows serves both.
    /// </summary>
    public static int ChooseAndFilter(ReadOnlySpan<byte> row, ReadOnlySpan<byte> prior, int bpp, Span<long> scores, Span<byte> output)
    {
        var n = row.Length;
        var padded = n + bpp + Lanes;
        Span<byte> buffer = padded * 3 <= 6144 ? stackalloc byte[padded * 3] : new byte[padded * 3];
        buffer.Clear();
        var current = buffer[..padded];
        var above = buffer.Slice(padded, padded);
        row.CopyTo(current[bpp..]);
        prior.CopyTo(above[bpp..]);
        var best = ChooseAndFilter(ref MemoryMarshal.GetReference(current), ref MemoryMarshal.GetReference(above), n, bpp, scores, buffer[(2 * padded)..], !output.IsEmpty);
        if (!output.IsEmpty) buffer.Slice(2 * padded, n).CopyTo(output);
        return best;
    }

    /// <summary>
    /// Every row of an image (height rows of stride bytes) filtered into <paramref name="output"/>, each row as its filter
    /// byte then its bytes. The image is copied once behind a zero row and bpp zero bytes per row, instead of two rows
    /// into fresh buffers for each row (a 28×28 image's rows are shorter than that set-up).
    /// </summary>
    public static void FilterAll(ReadOnlySpan<byte> pixels, int height, int stride, int bpp, Span<byte> output)
    {
        var rowSpan = bpp + stride + Lanes;
        var size = (height + 1) * rowSpan + stride + Lanes;
        Span<byte> buffer = size <= 16384 ? stackalloc byte[size] : new byte[size];
        buffer.Clear();
        for (var y = 0; y < height; y++) pixels.Slice(y * stride, stride).CopyTo(buffer[((y + 1) * rowSpan + bpp)..]);
        var filtered = buffer[((height + 1) * rowSpan)..];
        Span<long> scores = stackalloc long[5];
        ref var start = ref MemoryMarshal.GetReference(buffer);
        for (var y = 0; y < height; y++)
        {
            var line = output.Slice(y * (stride + 1), stride + 1);
            line[0] = (byte)ChooseAndFilter(ref Unsafe.Add(ref start, (y + 1) * rowSpan), ref Unsafe.Add(ref start, y * rowSpan), stride, bpp, scores, filtered, write: true);
            filtered[..stride].CopyTo(line[1..]);
        }
    }

    // x: the row behind bpp zero bytes, b: the prior row likewise, each readable 32 bytes past its end -> the best
    // filter's number, and with `write` its bytes in `filtered` (n + 32 long).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int ChooseAndFilter(ref byte x, ref byte b, int n, int bpp, Span<long> scores, Span<byte> filtered, bool write)
    {
        scores[..5].Clear();
        var sums = new Sums();
        for (int i = 0, block = 0; i < n; i += Lanes, block++)
        {
            var valid = Math.Min(Lanes, n - i);
            Accumulate(ref sums,
                Vector256.LoadUnsafe(ref x, (nuint)(i + bpp)), Vector256.LoadUnsafe(ref x, (nuint)i),
                Vector256.LoadUnsafe(ref b, (nuint)(i + bpp)), Vector256.LoadUnsafe(ref b, (nuint)i), valid);
            if (block % BlocksPerFlush == BlocksPerFlush - 1) sums.FlushInto(scores);
        }
        sums.FlushInto(scores);
        var best = 0;
        for (var f = 1; f < 5; f++)
            if (scores[f] < scores[best]) best = f;
        if (!write) return best;

        ref var y = ref MemoryMarshal.GetReference(filtered);
        for (var i = 0; i < n; i += Lanes)
        {
            var xi = Vector256.LoadUnsafe(ref x, (nuint)(i + bpp));
            var ai = Vector256.LoadUnsafe(ref x, (nuint)i);
            var bi = Vector256.LoadUnsafe(ref b, (nuint)(i + bpp));
            var ci = Vector256.LoadUnsafe(ref b, (nuint)i);
            Filter(best, xi, ai, bi, ci).StoreUnsafe(ref y, (nuint)i);
        }
        return best;
    }

    // One block of the chosen filter's bytes (mod 256, as PNG defines them).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<byte> Filter(int type, Vector256<byte> x, Vector256<byte> a, Vector256<byte> b, Vector256<byte> c)
    {
        switch (type)
        {
            case 0: return x;
            case 1: return x - a;
            case 2: return x - b;
            case 3: return x - ((a & b) + Vector256.ShiftRightLogical(a ^ b, 1)); // ⌊(a + b) / 2⌋ without overflowing a byte
        }
        var (x0, x1) = Vector256.Widen(x);
        var (a0, a1) = Vector256.Widen(a);
        var (b0, b1) = Vector256.Widen(b);
        var (c0, c1) = Vector256.Widen(c);
        var low = x0.AsInt16() - Paeth(a0.AsInt16(), b0.AsInt16(), c0.AsInt16());
        var high = x1.AsInt16() - Paeth(a1.AsInt16(), b1.AsInt16(), c1.AsInt16());
        return Vector256.Narrow((low & Vector256.Create((short)0xFF)).AsUInt16(), (high & Vector256.Create((short)0xFF)).AsUInt16());
    }

    // The Paeth predictor (PNG §9.4) of 16-bit lanes holding bytes: a, b or c, whichever is nearest to a + b − c.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<short> Paeth(Vector256<short> a, Vector256<short> b, Vector256<short> c)
    {
        var pa = Vector256.Abs(b - c);
        var pb = Vector256.Abs(a - c);
        var pc = Vector256.Abs(a + b - c - c);
        var pickA = Vector256.LessThanOrEqual(pa, pb) & Vector256.LessThanOrEqual(pa, pc);
        var pickB = Vector256.LessThanOrEqual(pb, pc);
        return Vector256.ConditionalSelect(pickA, a, Vector256.ConditionalSelect(pickB, b, c));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Accumulate(ref Sums sums, Vector256<byte> x, Vector256<byte> a, Vector256<byte> b, Vector256<byte> c, int valid)
    {
        if (valid < Lanes)
        {
            // Lanes past the row end would score the padding; zero x, a, b and c there so every filter gives 0.
            var keep = Vector256.LessThan(Vector256.Create((byte)0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31), Vector256.Create((byte)valid));
            (x, a, b, c) = (x & keep, a & keep, b & keep, c & keep);
        }
        var (x0, x1) = Vector256.Widen(x);
        var (a0, a1) = Vector256.Widen(a);
        var (b0, b1) = Vector256.Widen(b);
        var (c0, c1) = Vector256.Widen(c);
        Half(ref sums, x0.AsInt16(), a0.AsInt16(), b0.AsInt16(), c0.AsInt16());
        Half(ref sums, x1.AsInt16(), a1.AsInt16(), b1.AsInt16(), c1.AsInt16());
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Half(ref Sums sums, Vector256<short> x, Vector256<short> a, Vector256<short> b, Vector256<short> c)
    {
        sums.None += SignedByteMagnitude(x);
        sums.Sub += SignedByteMagnitude(x - a);
        sums.Up += SignedByteMagnitude(x - b);
        sums.Average += SignedByteMagnitude(x - Vector256.ShiftRightLogical(a + b, 1));
        sums.Paeth += SignedByteMagnitude(x - Paeth(a, b, c));
    }

    // |(sbyte)low byte| of each lane: sign-extend the low byte, then take the magnitude.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<short> SignedByteMagnitude(Vector256<short> v) =>
        Vector256.Abs(Vector256.ShiftRightArithmetic(Vector256.ShiftLeft(v, 8), 8));

    private struct Sums
    {
        public Vector256<short> None, Sub, Up, Average, Paeth;

        public void FlushInto(Span<long> scores)
        {
            scores[0] += Total(None);
            scores[1] += Total(Sub);
            scores[2] += Total(Up);
            scores[3] += Total(Average);
            scores[4] += Total(Paeth);
            this = default;
        }

        private static long Total(Vector256<short> v)
        {
            var (low, high) = Vector256.Widen(v);
            return Vector256.Sum(low + high);
        }
    }
}
