using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace VaeWorkbench.Engine.Kernels;

/// <summary>
/// C = A·B with A read in place, row by row, for the transposed convolutions' thin products: A is the layer input,
/// channels last, so K (the input channels, 32 or 64) is short and M (pixels × images) is long. The general GEMM packs
/// A first, and for such a short K the packing cost about as much as the multiply (perf: the conv decoder's
/// last layer ran at 40–70 GFLOP/s). Here eight rows at a time are multiplied straight from where they lie: each k
/// step broadcasts one value of each row against one or two vectors of a B row. N must be a multiple of 16 and the
/// CPU must have AVX-512 (<see cref="Supports"/>); callers fall back to <see cref="Sgemm"/> otherwise. Each C value
/// is the k-ordered sum of fused multiply-adds from zero, whatever M is, so an image's bits do not depend on its
/// batch.
/// </summary>
internal static unsafe class SgemmRowsInPlace
{
    private const int Rows = 8;

    /// <summary>
    /// The largest image count up to <paramref name="images"/> (at least 1) whose rows fill whole groups of eight, so a
    /// slice of the batch has no rows left for the one-row kernel, whose single accumulator waits on each FMA's latency.
    /// </summary>
    public static int WholeGroups(int images, int rowsPerImage)
    {
        var step = Rows >> Math.Min(3, System.Numerics.BitOperations.TrailingZeroCount(rowsPerImage)); // 8 / gcd(rows, 8)
        return images >= step ? images / step * step : Math.Max(1, images);
    }

    public static bool Supports(int n) => n > 0 && n % 16 == 0 && Avx512F.IsSupported && Vector512.IsHardwareAccelerated;

    // a:(M,K) row stride lda, b:(K,N) row stride ldb -> c:(M,N) row stride ldc, overwritten
    public static void Multiply(int m, int n, int k, ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, Span<float> c, int ldc)
    {
        if (!Supports(n)) throw new ArgumentException($"N = {n} needs a multiple of 16 and AVX-512", nameof(n));
        ArgumentOutOfRangeException.ThrowIfNegative(m);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        if (lda < k || ldb < n || ldc < n) throw new ArgumentException("a leading dimension is shorter than its row");
        if (m == 0) return;
        if (a.Length < (long)(m - 1) * lda + k || b.Length < (long)(k - 1) * ldb + n || c.Length < (long)(m - 1) * ldc + n)
            throw new ArgumentException($"operands too small for a {m}x{k} by {k}x{n} product");
        fixed (float* pa = a, pb = b, pc = c)
        {
            var row = 0;
            for (; row + Rows <= m; row += Rows)
            {
                var col = 0;
                for (; col + 32 <= n; col += 32) Kernel8x32(k, pa + (nint)row * lda, lda, pb + col, ldb, pc + (nint)row * ldc + col, ldc);
                if (col < n) Kernel8x16(k, pa + (nint)row * lda, lda, pb + col, ldb, pc + (nint)row * ldc + col, ldc);
            }
            for (; row < m; row++)
                for (var col = 0; col < n; col += 16) Kernel1x16(k, pa + (nint)row * lda, pb + col, ldb, pc + (nint)row * ldc + col);
        }
    }

    // a: 8 rows of k values (lda apart), b: k rows of 32 (ldb apart) -> c: 8×32. 16 accumulators, 8 row pointers.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel8x32(int k, float* a, nint lda, float* b, nint ldb, float* c, nint ldc)
    {
        float* a0 = a, a1 = a + lda, a2 = a + 2 * lda, a3 = a + 3 * lda;
        float* a4 = a + 4 * lda, a5 = a + 5 * lda, a6 = a + 6 * lda, a7 = a + 7 * lda;
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default;
        Vector512<float> c20 = default, c21 = default, c30 = default, c31 = default;
        Vector512<float> c40 = default, c41 = default, c50 = default, c51 = default;
        Vector512<float> c60 = default, c61 = default, c70 = default, c71 = default;
        for (var p = 0; p < k; p++)
        {
            var b0 = Vector512.Load(b);
            var b1 = Vector512.Load(b + 16);
            var av = Vector512.Create(a0[p]);
            c00 = Avx512F.FusedMultiplyAdd(av, b0, c00); c01 = Avx512F.FusedMultiplyAdd(av, b1, c01);
            av = Vector512.Create(a1[p]);
            c10 = Avx512F.FusedMultiplyAdd(av, b0, c10); c11 = Avx512F.FusedMultiplyAdd(av, b1, c11);
            av = Vector512.Create(a2[p]);
            c20 = Avx512F.FusedMultiplyAdd(av, b0, c20); c21 = Avx512F.FusedMultiplyAdd(av, b1, c21);
            av = Vector512.Create(a3[p]);
            c30 = Avx512F.FusedMultiplyAdd(av, b0, c30); c31 = Avx512F.FusedMultiplyAdd(av, b1, c31);
            av = Vector512.Create(a4[p]);
            c40 = Avx512F.FusedMultiplyAdd(av, b0, c40); c41 = Avx512F.FusedMultiplyAdd(av, b1, c41);
            av = Vector512.Create(a5[p]);
            c50 = Avx512F.FusedMultiplyAdd(av, b0, c50); c51 = Avx512F.FusedMultiplyAdd(av, b1, c51);
            av = Vector512.Create(a6[p]);
            c60 = Avx512F.FusedMultiplyAdd(av, b0, c60); c61 = Avx512F.FusedMultiplyAdd(av, b1, c61);
            av = Vector512.Create(a7[p]);
            c70 = Avx512F.FusedMultiplyAdd(av, b0, c70); c71 = Avx512F.FusedMultiplyAdd(av, b1, c71);
            b += ldb;
        }
        Store(c, c00, c01); Store(c + ldc, c10, c11); Store(c + 2 * ldc, c20, c21); Store(c + 3 * ldc, c30, c31);
        Store(c + 4 * ldc, c40, c41); Store(c + 5 * ldc, c50, c51); Store(c + 6 * ldc, c60, c61); Store(c + 7 * ldc, c70, c71);
    }

    // The 8×16 tile for a last 16 columns.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel8x16(int k, float* a, nint lda, float* b, nint ldb, float* c, nint ldc)
    {
        float* a0 = a, a1 = a + lda, a2 = a + 2 * lda, a3 = a + 3 * lda;
        float* a4 = a + 4 * lda, a5 = a + 5 * lda, a6 = a + 6 * lda, a7 = a + 7 * lda;
        Vector512<float> c0 = default, c1 = default, c2 = default, c3 = default;
        Vector512<float> c4 = default, c5 = default, c6 = default, c7 = default;
        for (var p = 0; p < k; p++)
        {
            var b0 = Vector512.Load(b);
            c0 = Avx512F.FusedMultiplyAdd(Vector512.Create(a0[p]), b0, c0);
            c1 = Avx512F.FusedMultiplyAdd(Vector512.Create(a1[p]), b0, c1);
            c2 = Avx512F.FusedMultiplyAdd(Vector512.Create(a2[p]), b0, c2);
            c3 = Avx512F.FusedMultiplyAdd(Vector512.Create(a3[p]), b0, c3);
            c4 = Avx512F.FusedMultiplyAdd(Vector512.Create(a4[p]), b0, c4);
            c5 = Avx512F.FusedMultiplyAdd(Vector512.Create(a5[p]), b0, c5);
            c6 = Avx512F.FusedMultiplyAdd(Vector512.Create(a6[p]), b0, c6);
            c7 = Avx512F.FusedMultiplyAdd(Vector512.Create(a7[p]), b0, c7);
            b += ldb;
        }
        c0.Store(c); c1.Store(c + ldc); c2.Store(c + 2 * ldc); c3.Store(c + 3 * ldc);
        c4.Store(c + 4 * ldc); c5.Store(c + 5 * ldc); c6.Store(c + 6 * ldc); c7.Store(c + 7 * ldc);
    }

    // One row, 16 columns: the rows past the last whole group of eight.
    private static void Kernel1x16(int k, float* a, float* b, nint ldb, float* c)
    {
        var acc = Vector512<float>.Zero;
        for (var p = 0; p < k; p++, b += ldb) acc = Avx512F.FusedMultiplyAdd(Vector512.Create(a[p]), Vector512.Load(b), acc);
        acc.Store(c);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(float* c, Vector512<float> left, Vector512<float> right)
    {
        left.Store(c);
        right.Store(c + 16);
    }
}
