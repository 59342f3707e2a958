using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace VaeWorkbench.Engine.Kernels;

/// <summary>
/// A 16×16 in-register transpose with AVX-512, for packing the operands whose panels run across their stored rows
/// (A without transpose, B transposed). A scalar transpose moves about one float per cycle, which costs as much as
/// the multiply for the training shapes; this moves 16 per few cycles.
/// </summary>
internal static unsafe class SgemmTranspose
{
    public static bool IsSupported => Avx512F.IsSupported;

    /// <summary>
    /// dst[p·dstStride + l] = src[l·ld + p] for p, l in 0..15; source lines at or past <paramref name="lines"/> read as zero.
    /// Each destination row is written as 16 floats, so with dstStride &lt; 16 it also overwrites the start of the next rows:
    /// callers write rows in increasing order and keep 16 floats of slack after the last one.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Transpose16(float* src, nint ld, int lines, float* dst, nint dstStride)
    {
        var r0 = Vector512.Load(src);
        var r1 = 1 < lines ? Vector512.Load(src + 1 * ld) : Vector512<float>.Zero;
        var r2 = 2 < lines ? Vector512.Load(src + 2 * ld) : Vector512<float>.Zero;
        var r3 = 3 < lines ? Vector512.Load(src + 3 * ld) : Vector512<float>.Zero;
        var r4 = 4 < lines ? Vector512.Load(src + 4 * ld) : Vector512<float>.Zero;
        var r5 = 5 < lines ? Vector512.Load(src + 5 * ld) : Vector512<float>.Zero;
        var r6 = 6 < lines ? Vector512.Load(src + 6 * ld) : Vector512<float>.Zero;
        var r7 = 7 < lines ? Vector512.Load(src + 7 * ld) : Vector512<float>.Zero;
        var r8 = 8 < lines ? Vector512.Load(src + 8 * ld) : Vector512<float>.Zero;
        var r9 = 9 < lines ? Vector512.Load(src + 9 * ld) : Vector512<float>.Zero;
        var r10 = 10 < lines ? Vector512.Load(src + 10 * ld) : Vector512<float>.Zero;
        var r11 = 11 < lines ? Vector512.Load(src + 11 * ld) : Vector512<float>.Zero;
        var r12 = 12 < lines ? Vector512.Load(src + 12 * ld) : Vector512<float>.Zero;
        var r13 = 13 < lines ? Vector512.Load(src + 13 * ld) : Vector512<float>.Zero;
        var r14 = 14 < lines ? Vector512.Load(src + 14 * ld) : Vector512<float>.Zero;
        var r15 = 15 < lines ? Vector512.Load(src + 15 * ld) : Vector512<float>.Zero;

        // Pairs of lines interleaved per 128-bit lane: [a0 b0 a1 b1] and [a2 b2 a3 b3].
        var t0 = Avx512F.UnpackLow(r0, r1);
        var t1 = Avx512F.UnpackHigh(r0, r1);
        var t2 = Avx512F.UnpackLow(r2, r3);
        var t3 = Avx512F.UnpackHigh(r2, r3);
        var t4 = Avx512F.UnpackLow(r4, r5);
        var t5 = Avx512F.UnpackHigh(r4, r5);
        var t6 = Avx512F.UnpackLow(r6, r7);
        var t7 = Avx512F.UnpackHigh(r6, r7);
        var t8 = Avx512F.UnpackLow(r8, r9);
        var t9 = Avx512F.UnpackHigh(r8, r9);
        var t10 = Avx512F.UnpackLow(r10, r11);
        var t11 = Avx512F.UnpackHigh(r10, r11);
        var t12 = Avx512F.UnpackLow(r12, r13);
        var t13 = Avx512F.UnpackHigh(r12, r13);
        var t14 = Avx512F.UnpackLow(r14, r15);
        var t15 = Avx512F.UnpackHigh(r14, r15);

        // Quads: u[4g+c] holds, in lane q, column 4q+c of lines 4g..4g+3.
        var u0 = Avx512F.UnpackLow(t0.AsDouble(), t2.AsDouble()).AsSingle();
        var u1 = Avx512F.UnpackHigh(t0.AsDouble(), t2.AsDouble()).AsSingle();
        var u2 = Avx512F.UnpackLow(t1.AsDouble(), t3.AsDouble()).AsSingle();
        var u3 = Avx512F.UnpackHigh(t1.AsDouble(), t3.AsDouble()).AsSingle();
        var u4 = Avx512F.UnpackLow(t4.AsDouble(), t6.AsDouble()).AsSingle();
        var u5 = Avx512F.UnpackHigh(t4.AsDouble(), t6.AsDouble()).AsSingle();
        var u6 = Avx512F.UnpackLow(t5.AsDouble(), t7.AsDouble()).AsSingle();
        var u7 = Avx512F.UnpackHigh(t5.AsDouble(), t7.AsDouble()).AsSingle();
        var u8 = Avx512F.UnpackLow(t8.AsDouble(), t10.AsDouble()).AsSingle();
        var u9 = Avx512F.UnpackHigh(t8.AsDouble(), t10.AsDouble()).AsSingle();
        var u10 = Avx512F.UnpackLow(t9.AsDouble(), t11.AsDouble()).AsSingle();
        var u11 = Avx512F.UnpackHigh(t9.AsDouble(), t11.AsDouble()).AsSingle();
        var u12 = Avx512F.UnpackLow(t12.AsDouble(), t14.AsDouble()).AsSingle();
        var u13 = Avx512F.UnpackHigh(t12.AsDouble(), t14.AsDouble()).AsSingle();
        var u14 = Avx512F.UnpackLow(t13.AsDouble(), t15.AsDouble()).AsSingle();
        var u15 = Avx512F.UnpackHigh(t13.AsDouble(), t15.AsDouble()).AsSingle();

        // 4×4 transpose of 128-bit lanes for each column phase c: row 4q+c gathers lane q of u[c], u[4+c], u[8+c], u[12+c].
        var (o0, o4, o8, o12) = LanesTransposed(u0, u4, u8, u12);
        var (o1, o5, o9, o13) = LanesTransposed(u1, u5, u9, u13);
        var (o2, o6, o10, o14) = LanesTransposed(u2, u6, u10, u14);
        var (o3, o7, o11, o15) = LanesTransposed(u3, u7, u11, u15);

        // In increasing row order, so a 16-float store that runs into the next rows is overwritten by them.
        Vector512.Store(o0, dst + 0 * dstStride);
        Vector512.Store(o1, dst + 1 * dstStride);
        Vector512.Store(o2, dst + 2 * dstStride);
        Vector512.Store(o3, dst + 3 * dstStride);
        Vector512.Store(o4, dst + 4 * dstStride);
        Vector512.Store(o5, dst + 5 * dstStride);
        Vector512.Store(o6, dst + 6 * dstStride);
        Vector512.Store(o7, dst + 7 * dstStride);
        Vector512.Store(o8, dst + 8 * dstStride);
        Vector512.Store(o9, dst + 9 * dstStride);
        Vector512.Store(o10, dst + 10 * dstStride);
        Vector512.Store(o11, dst + 11 * dstStride);
        Vector512.Store(o12, dst + 12 * dstStride);
        Vector512.Store(o13, dst + 13 * dstStride);
        Vector512.Store(o14, dst + 14 * dstStride);
        Vector512.Store(o15, dst + 15 * dstStride);
    }

    // Returns the rows [x0.q, x1.q, x2.q, x3.q] (128-bit lanes) for q = 0..3.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector512<float>, Vector512<float>, Vector512<float>, Vector512<float>) LanesTransposed(
        Vector512<float> x0, Vector512<float> x1, Vector512<float> x2, Vector512<float> x3)
    {
        const byte EvenLanes = 0x88; // [a.0, a.2, b.0, b.2]
        const byte OddLanes = 0xDD;  // [a.1, a.3, b.1, b.3]
        var s0 = Avx512F.Shuffle4x128(x0, x1, EvenLanes);
        var s1 = Avx512F.Shuffle4x128(x0, x1, OddLanes);
        var s2 = Avx512F.Shuffle4x128(x2, x3, EvenLanes);
        var s3 = Avx512F.Shuffle4x128(x2, x3, OddLanes);
        return (Avx512F.Shuffle4x128(s0, s2, EvenLanes), Avx512F.Shuffle4x128(s1, s3, EvenLanes),
                Avx512F.Shuffle4x128(s0, s2, OddLanes), Avx512F.Shuffle4x128(s1, s3, OddLanes));
    }
}
