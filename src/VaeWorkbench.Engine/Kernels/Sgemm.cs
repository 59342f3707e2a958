namespace VaeWorkbench.Engine.Kernels;

/// <summary>
/// Single-precision GEMM on row-major matrices: C = alpha · op(A) · op(B) + beta · C,
/// where op(X) is X or Xᵀ. op(A) is (M,K), op(B) is (K,N), C is (M,N).
/// The leading dimensions are row strides of the stored (untransposed) matrices.
/// </summary>
public static class Sgemm
{
    // a:(M,K) or (K,M) if transA, b:(K,N) or (N,K) if transB -> c:(M,N)
    public static void Multiply(
        bool transA, bool transB, int m, int n, int k,
        float alpha, ReadOnlySpan<float> a, int lda,
        ReadOnlySpan<float> b, int ldb,
        float beta, Span<float> c, int ldc,
        int threads = 1)
    {
        // Placeholder dispatch until the packed kernel lands: the reference is correct, only slow.
        SgemmReference.Multiply(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
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
