using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace VaeWorkbench.Engine.Kernels;

/// <summary>Which register-blocked micro-kernel the GEMM driver uses. Tests force each one; production takes <see cref="SgemmMicroKernels.Best"/>.</summary>
internal enum SgemmIsa
{
    Scalar,
    Vector256,
    Vector512,
}

/// <summary>
/// The register-blocked inner kernels. Each computes one MR×NR tile of C from an A micro-panel
/// (kc steps of MR contiguous values, aStride apart) and a B micro-panel (kc steps of NR contiguous values, bStride apart):
/// C[0:MR, 0:NR] = alpha · Ap·Bp + beta · C, and never reads C when beta is 0 (C may hold NaN garbage).
/// Packed panels have strides MR and NR; a panel read in place from the caller's matrix has its leading dimension.
/// The packing and blocking around them are shared (<see cref="SgemmDriver"/>); only these loops differ per ISA.
/// </summary>
internal static unsafe class SgemmMicroKernels
{
    /// <summary>The fastest kernel this CPU runs. The one place that chooses between the ISAs.</summary>
    public static readonly SgemmIsa Best =
        Avx512F.IsSupported && Vector512.IsHardwareAccelerated ? SgemmIsa.Vector512
        : Fma.IsSupported && Vector256.IsHardwareAccelerated ? SgemmIsa.Vector256
        : SgemmIsa.Scalar;

    /// <summary>Tile rows (MR) of a kernel: the number of A values broadcast per k step.</summary>
    public static int TileRows(SgemmIsa isa) => isa switch
    {
        SgemmIsa.Vector512 => 12,
        SgemmIsa.Vector256 => 6,
        _ => 4,
    };

    /// <summary>Tile columns (NR) of a kernel: two vectors of B per k step.</summary>
    public static int TileColumns(SgemmIsa isa) => isa switch
    {
        SgemmIsa.Vector512 => 32,
        SgemmIsa.Vector256 => 16,
        _ => 4,
    };

    /// <summary>Columns of the narrower kernel for a last panel with few columns, or 0 if the ISA has none.</summary>
    public static int HalfTileColumns(SgemmIsa isa) => isa == SgemmIsa.Vector512 ? 16 : 0;

    /// <summary>The <see cref="HalfTileColumns"/>-wide tile: the same rows and k order over only the left columns of a B panel.</summary>
    public static void RunHalf(SgemmIsa isa, int kc, float* a, nint aStride, float* b, nint bStride, float* c, nint ldc, float alpha, float beta)
    {
        if (isa != SgemmIsa.Vector512)
        {
            throw new ArgumentException($"{isa} has no half-width GEMM kernel.", nameof(isa));
        }

        Kernel12x16(kc, a, aStride, b, bStride, c, ldc, alpha, beta);
    }

    public static void Run(SgemmIsa isa, int kc, float* a, nint aStride, float* b, nint bStride, float* c, nint ldc, float alpha, float beta)
    {
        switch (isa)
        {
            case SgemmIsa.Vector512: Kernel12x32(kc, a, aStride, b, bStride, c, ldc, alpha, beta); break;
            case SgemmIsa.Vector256: Kernel6x16(kc, a, aStride, b, bStride, c, ldc, alpha, beta); break;
            default: Kernel4x4Scalar(kc, a, aStride, b, bStride, c, ldc, alpha, beta); break;
        }
    }

    // a: kc×12 packed, b: kc×32 packed -> c: 12×32 (row stride ldc). 24 accumulators + 2 B vectors + 1 broadcast use 27 of the 32 zmm registers.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel12x32(int kc, float* a, nint aStride, float* b, nint bStride, float* c, nint ldc, float alpha, float beta)
    {
        // C rows are ldc floats apart, often in one cache set; start fetching them while the k loop runs.
        for (var i = 0; i < 12; i++)
        {
            Sse.Prefetch0(c + i * ldc);
            Sse.Prefetch0(c + i * ldc + 16);
        }

        Vector512<float> c00 = default, c01 = default;
        Vector512<float> c10 = default, c11 = default;
        Vector512<float> c20 = default, c21 = default;
        Vector512<float> c30 = default, c31 = default;
        Vector512<float> c40 = default, c41 = default;
        Vector512<float> c50 = default, c51 = default;
        Vector512<float> c60 = default, c61 = default;
        Vector512<float> c70 = default, c71 = default;
        Vector512<float> c80 = default, c81 = default;
        Vector512<float> c90 = default, c91 = default;
        Vector512<float> ca0 = default, ca1 = default;
        Vector512<float> cb0 = default, cb1 = default;
        for (var p = 0; p < kc; p++)
        {
            var b0 = Vector512.Load(b);
            var b1 = Vector512.Load(b + 16);
            var av = Vector512.Create(a[0]);
            c00 = Avx512F.FusedMultiplyAdd(av, b0, c00); c01 = Avx512F.FusedMultiplyAdd(av, b1, c01);
            av = Vector512.Create(a[1]);
            c10 = Avx512F.FusedMultiplyAdd(av, b0, c10); c11 = Avx512F.FusedMultiplyAdd(av, b1, c11);
            av = Vector512.Create(a[2]);
            c20 = Avx512F.FusedMultiplyAdd(av, b0, c20); c21 = Avx512F.FusedMultiplyAdd(av, b1, c21);
            av = Vector512.Create(a[3]);
            c30 = Avx512F.FusedMultiplyAdd(av, b0, c30); c31 = Avx512F.FusedMultiplyAdd(av, b1, c31);
            av = Vector512.Create(a[4]);
            c40 = Avx512F.FusedMultiplyAdd(av, b0, c40); c41 = Avx512F.FusedMultiplyAdd(av, b1, c41);
            av = Vector512.Create(a[5]);
            c50 = Avx512F.FusedMultiplyAdd(av, b0, c50); c51 = Avx512F.FusedMultiplyAdd(av, b1, c51);
            av = Vector512.Create(a[6]);
            c60 = Avx512F.FusedMultiplyAdd(av, b0, c60); c61 = Avx512F.FusedMultiplyAdd(av, b1, c61);
            av = Vector512.Create(a[7]);
            c70 = Avx512F.FusedMultiplyAdd(av, b0, c70); c71 = Avx512F.FusedMultiplyAdd(av, b1, c71);
            av = Vector512.Create(a[8]);
            c80 = Avx512F.FusedMultiplyAdd(av, b0, c80); c81 = Avx512F.FusedMultiplyAdd(av, b1, c81);
            av = Vector512.Create(a[9]);
            c90 = Avx512F.FusedMultiplyAdd(av, b0, c90); c91 = Avx512F.FusedMultiplyAdd(av, b1, c91);
            av = Vector512.Create(a[10]);
            ca0 = Avx512F.FusedMultiplyAdd(av, b0, ca0); ca1 = Avx512F.FusedMultiplyAdd(av, b1, ca1);
            av = Vector512.Create(a[11]);
            cb0 = Avx512F.FusedMultiplyAdd(av, b0, cb0); cb1 = Avx512F.FusedMultiplyAdd(av, b1, cb1);
            a += aStride;
            b += bStride;
        }

        var va = Vector512.Create(alpha);
        if (beta == 0)
        {
            Store512(c, c00 * va, c01 * va); c += ldc;
            Store512(c, c10 * va, c11 * va); c += ldc;
            Store512(c, c20 * va, c21 * va); c += ldc;
            Store512(c, c30 * va, c31 * va); c += ldc;
            Store512(c, c40 * va, c41 * va); c += ldc;
            Store512(c, c50 * va, c51 * va); c += ldc;
            Store512(c, c60 * va, c61 * va); c += ldc;
            Store512(c, c70 * va, c71 * va); c += ldc;
            Store512(c, c80 * va, c81 * va); c += ldc;
            Store512(c, c90 * va, c91 * va); c += ldc;
            Store512(c, ca0 * va, ca1 * va); c += ldc;
            Store512(c, cb0 * va, cb1 * va);
            return;
        }

        var vb = Vector512.Create(beta);
        Update512(c, c00, c01, va, vb); c += ldc;
        Update512(c, c10, c11, va, vb); c += ldc;
        Update512(c, c20, c21, va, vb); c += ldc;
        Update512(c, c30, c31, va, vb); c += ldc;
        Update512(c, c40, c41, va, vb); c += ldc;
        Update512(c, c50, c51, va, vb); c += ldc;
        Update512(c, c60, c61, va, vb); c += ldc;
        Update512(c, c70, c71, va, vb); c += ldc;
        Update512(c, c80, c81, va, vb); c += ldc;
        Update512(c, c90, c91, va, vb); c += ldc;
        Update512(c, ca0, ca1, va, vb); c += ldc;
        Update512(c, cb0, cb1, va, vb);
    }

    // a: kc×12, b: kc×16 (the left half of a 32-wide B panel) -> c: 12×16. Used for the last column panel when at
    // most 16 of its 32 columns exist (N = 400 or 784 in training), so that panel costs half a 12x32 tile.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel12x16(int kc, float* a, nint aStride, float* b, nint bStride, float* c, nint ldc, float alpha, float beta)
    {
        Vector512<float> c0 = default, c1 = default, c2 = default, c3 = default;
        Vector512<float> c4 = default, c5 = default, c6 = default, c7 = default;
        Vector512<float> c8 = default, c9 = default, ca = default, cb = default;
        for (var p = 0; p < kc; p++)
        {
            var b0 = Vector512.Load(b);
            c0 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[0]), b0, c0);
            c1 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[1]), b0, c1);
            c2 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[2]), b0, c2);
            c3 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[3]), b0, c3);
            c4 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[4]), b0, c4);
            c5 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[5]), b0, c5);
            c6 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[6]), b0, c6);
            c7 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[7]), b0, c7);
            c8 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[8]), b0, c8);
            c9 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[9]), b0, c9);
            ca = Avx512F.FusedMultiplyAdd(Vector512.Create(a[10]), b0, ca);
            cb = Avx512F.FusedMultiplyAdd(Vector512.Create(a[11]), b0, cb);
            a += aStride;
            b += bStride;
        }

        var va = Vector512.Create(alpha);
        var vb = Vector512.Create(beta);
        Update512(c, c0, va, vb, beta); c += ldc;
        Update512(c, c1, va, vb, beta); c += ldc;
        Update512(c, c2, va, vb, beta); c += ldc;
        Update512(c, c3, va, vb, beta); c += ldc;
        Update512(c, c4, va, vb, beta); c += ldc;
        Update512(c, c5, va, vb, beta); c += ldc;
        Update512(c, c6, va, vb, beta); c += ldc;
        Update512(c, c7, va, vb, beta); c += ldc;
        Update512(c, c8, va, vb, beta); c += ldc;
        Update512(c, c9, va, vb, beta); c += ldc;
        Update512(c, ca, va, vb, beta); c += ldc;
        Update512(c, cb, va, vb, beta);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Update512(float* c, Vector512<float> acc, Vector512<float> va, Vector512<float> vb, float beta)
    {
        Vector512.Store(beta == 0 ? acc * va : Avx512F.FusedMultiplyAdd(acc, va, Vector512.Load(c) * vb), c);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store512(float* c, Vector512<float> lo, Vector512<float> hi)
    {
        Vector512.Store(lo, c);
        Vector512.Store(hi, c + 16);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Update512(float* c, Vector512<float> lo, Vector512<float> hi, Vector512<float> va, Vector512<float> vb)
    {
        Vector512.Store(Avx512F.FusedMultiplyAdd(lo, va, Vector512.Load(c) * vb), c);
        Vector512.Store(Avx512F.FusedMultiplyAdd(hi, va, Vector512.Load(c + 16) * vb), c + 16);
    }

    // a: kc×6 packed, b: kc×16 packed -> c: 6×16. 12 accumulators + 2 B + 1 broadcast fit the 16 ymm registers of AVX2.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel6x16(int kc, float* a, nint aStride, float* b, nint bStride, float* c, nint ldc, float alpha, float beta)
    {
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector256<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        for (var p = 0; p < kc; p++)
        {
            var b0 = Vector256.Load(b);
            var b1 = Vector256.Load(b + 8);
            var av = Vector256.Create(a[0]);
            c00 = Fma.MultiplyAdd(av, b0, c00); c01 = Fma.MultiplyAdd(av, b1, c01);
            av = Vector256.Create(a[1]);
            c10 = Fma.MultiplyAdd(av, b0, c10); c11 = Fma.MultiplyAdd(av, b1, c11);
            av = Vector256.Create(a[2]);
            c20 = Fma.MultiplyAdd(av, b0, c20); c21 = Fma.MultiplyAdd(av, b1, c21);
            av = Vector256.Create(a[3]);
            c30 = Fma.MultiplyAdd(av, b0, c30); c31 = Fma.MultiplyAdd(av, b1, c31);
            av = Vector256.Create(a[4]);
            c40 = Fma.MultiplyAdd(av, b0, c40); c41 = Fma.MultiplyAdd(av, b1, c41);
            av = Vector256.Create(a[5]);
            c50 = Fma.MultiplyAdd(av, b0, c50); c51 = Fma.MultiplyAdd(av, b1, c51);
            a += aStride;
            b += bStride;
        }

        var va = Vector256.Create(alpha);
        var vb = Vector256.Create(beta);
        var readC = beta != 0;
        Update256(c, c00, c01, va, vb, readC); c += ldc;
        Update256(c, c10, c11, va, vb, readC); c += ldc;
        Update256(c, c20, c21, va, vb, readC); c += ldc;
        Update256(c, c30, c31, va, vb, readC); c += ldc;
        Update256(c, c40, c41, va, vb, readC); c += ldc;
        Update256(c, c50, c51, va, vb, readC);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Update256(float* c, Vector256<float> lo, Vector256<float> hi, Vector256<float> va, Vector256<float> vb, bool readC)
    {
        if (readC)
        {
            Vector256.Store(Fma.MultiplyAdd(lo, va, Vector256.Load(c) * vb), c);
            Vector256.Store(Fma.MultiplyAdd(hi, va, Vector256.Load(c + 8) * vb), c + 8);
        }
        else
        {
            Vector256.Store(lo * va, c);
            Vector256.Store(hi * va, c + 8);
        }
    }

    // a: kc×4 packed, b: kc×4 packed -> c: 4×4. The portable fallback; same blocking, plain multiply-add.
    private static void Kernel4x4Scalar(int kc, float* a, nint aStride, float* b, nint bStride, float* c, nint ldc, float alpha, float beta)
    {
        var acc = stackalloc float[16];
        for (var i = 0; i < 16; i++)
        {
            acc[i] = 0;
        }

        for (var p = 0; p < kc; p++)
        {
            for (var i = 0; i < 4; i++)
            {
                var av = a[i];
                acc[i * 4 + 0] += av * b[0];
                acc[i * 4 + 1] += av * b[1];
                acc[i * 4 + 2] += av * b[2];
                acc[i * 4 + 3] += av * b[3];
            }

            a += aStride;
            b += bStride;
        }

        for (var i = 0; i < 4; i++)
        {
            var row = c + i * ldc;
            for (var j = 0; j < 4; j++)
            {
                row[j] = beta == 0 ? alpha * acc[i * 4 + j] : alpha * acc[i * 4 + j] + beta * row[j];
            }
        }
    }
}
