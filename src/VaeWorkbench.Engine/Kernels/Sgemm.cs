namespace VaeWorkbench.Engine.Kernels;

/// <summary>
/// Single-precision GEMM on row-major matrices: C = alpha · op(A) · op(B) + beta · C,
/// where op(X) is X or Xᵀ. op(A) is (M,K), op(B) is (K,N), C is (M,N).
/// The leading dimensions are row strides of the stored (untransposed) matrices.
/// </summary>
public static class Sgemm
{
    // a:(M,K) or (K,M) if transA, b:(K,N) or (N,K) if transB -> c:(M,N)
    /// <param name="threads">How many threads may share the work (the caller plus pooled workers). Small problems use fewer.
    /// The result bits depend only on the operands, never on the thread count or scheduling.</param>
    public static void Multiply(
        bool transA, bool transB, int m, int n, int k,
        float alpha, ReadOnlySpan<float> a, int lda,
        ReadOnlySpan<float> b, int ldb,
        float beta, Span<float> c, int ldc,
        int threads = 1) =>
        Multiply(SgemmMicroKernels.Best, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, threads);

    /// <summary>The same GEMM on a chosen micro-kernel, so tests can check every ISA path on one machine.</summary>
    internal static unsafe void Multiply(
        SgemmIsa isa, bool transA, bool transB, int m, int n, int k,
        float alpha, ReadOnlySpan<float> a, int lda,
        ReadOnlySpan<float> b, int ldb,
        float beta, Span<float> c, int ldc,
        int threads)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(m);
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        CheckOperand("a", a.Length, transA ? k : m, transA ? m : k, lda, nameof(lda));
        CheckOperand("b", b.Length, transB ? n : k, transB ? k : n, ldb, nameof(ldb));
        CheckOperand("c", c.Length, m, n, ldc, nameof(ldc));
        if (m == 0 || n == 0)
        {
            return;
        }

        fixed (float* pa = a, pb = b, pc = c)
        {
            if (k == 0 || alpha == 0)
            {
                SgemmDriver.ScaleOnly(pc, ldc, m, n, beta);
                return;
            }

            var problem = new SgemmProblem(transA, transB, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc, isa);
            SgemmDriver.Run(problem, threads);
        }
    }

    /// <summary>op(B) (K×N) packed once for many <see cref="Multiply(bool, int, int, float, ReadOnlySpan{float}, int, SgemmPackedB, float, Span{float}, int, int)"/> calls.</summary>
    public static SgemmPackedB PackB(bool transB, int n, int k, ReadOnlySpan<float> b, int ldb) => PackB(SgemmMicroKernels.Best, transB, n, k, b, ldb);

    internal static SgemmPackedB PackB(SgemmIsa isa, bool transB, int n, int k, ReadOnlySpan<float> b, int ldb)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        CheckOperand("b", b.Length, transB ? n : k, transB ? k : n, ldb, nameof(ldb));
        return new SgemmPackedB(isa, transB, n, k, b, ldb);
    }

    /// <summary>C = alpha · op(A) · B + beta · C with B packed by <see cref="PackB(bool, int, int, ReadOnlySpan{float}, int)"/>: the same bits as with B itself.</summary>
    public static unsafe void Multiply(bool transA, int m, float alpha, ReadOnlySpan<float> a, int lda, SgemmPackedB b, float beta, Span<float> c, int ldc, int threads = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(m);
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        var (n, k) = (b.N, b.K);
        CheckOperand("a", a.Length, transA ? k : m, transA ? m : k, lda, nameof(lda));
        CheckOperand("c", c.Length, m, n, ldc, nameof(ldc));
        if (m == 0) return;
        fixed (float* pa = a, pc = c)
        {
            if (alpha == 0)
            {
                SgemmDriver.ScaleOnly(pc, ldc, m, n, beta);
                return;
            }

            SgemmDriver.Run(new SgemmProblem(transA, false, m, n, k, alpha, pa, lda, null, n, beta, pc, ldc, b.Isa, b), threads);
        }
    }

    // A stored rows×cols matrix with row stride ld needs ld >= cols and (rows-1)·ld + cols elements.
    private static void CheckOperand(string name, int length, int rows, int cols, int ld, string ldName)
    {
        if (ld < Math.Max(1, cols))
        {
            throw new ArgumentOutOfRangeException(ldName, ld, $"{ldName} must be at least {Math.Max(1, cols)}, the row length of the stored {name}.");
        }

        var needed = rows == 0 || cols == 0 ? 0 : (long)(rows - 1) * ld + cols;
        if (length < needed)
        {
            throw new ArgumentException($"{name} holds {length} elements but a {rows}x{cols} matrix with row stride {ld} needs {needed}.", name);
        }
    }
}

/// <summary>The naive triple loop every fast GEMM is tested against. Accumulates in double to be a trustworthy oracle.</summary>
internal static class SgemmReference
{
    public static void Multiply(
        bool transA, bool transB, int m, int n, int k,
        float alpha, ReadOnlySpan<float> a, int lda,
        ReadOnlySpan<float> b, int ldb,
        float beta, Span<float> c, int ldc)
    {
        for (var i = 0; i < m; i++)
        {
            for (var j = 0; j < n; j++)
            {
                double sum = 0;
                for (var p = 0; p < k; p++)
                {
                    var av = transA ? a[p * lda + i] : a[i * lda + p];
                    var bv = transB ? b[j * ldb + p] : b[p * ldb + j];
                    sum += (double)av * bv;
                }
                var prior = beta == 0 ? 0 : beta * c[i * ldc + j];
                c[i * ldc + j] = (float)(alpha * sum + prior);
            }
        }
    }
}
