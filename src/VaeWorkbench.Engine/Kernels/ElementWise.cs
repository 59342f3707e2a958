using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace VaeWorkbench.Engine.Kernels;

/// <summary>An element-wise function of two inputs at every vector width, so one loop (<see cref="ElementWise.Map{T}"/>) serves all.</summary>
internal interface IBinaryKernel
{
    float Apply(float a, float b);
    Vector256<float> Apply(Vector256<float> a, Vector256<float> b);
    Vector512<float> Apply(Vector512<float> a, Vector512<float> b);
}

/// <summary>
/// The layers' element-wise loops. The hot ones run here rather than in TensorPrimitives: its generic operators cost
/// 7–50 ms of JIT each on first use, which a short command pays in full (no ReadyToRun code exists for Vector512).
/// </summary>
internal static class ElementWise
{
    /// <summary>dst[i] = op(a[i], b[i]); Vector512 when accelerated, then Vector256, then scalar for the tail.</summary>
    public static void Map<T>(T op, ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> dst) where T : struct, IBinaryKernel
    {
        if (a.Length != b.Length || a.Length != dst.Length) throw new ArgumentException("element-wise operands differ in length");
        ref var ra = ref MemoryMarshal.GetReference(a);
        ref var rb = ref MemoryMarshal.GetReference(b);
        ref var rd = ref MemoryMarshal.GetReference(dst);
        var n = a.Length;
        var i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
                op.Apply(Vector512.LoadUnsafe(ref ra, (nuint)i), Vector512.LoadUnsafe(ref rb, (nuint)i)).StoreUnsafe(ref rd, (nuint)i);
        }
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
                op.Apply(Vector256.LoadUnsafe(ref ra, (nuint)i), Vector256.LoadUnsafe(ref rb, (nuint)i)).StoreUnsafe(ref rd, (nuint)i);
        }
        for (; i < n; i++) Unsafe.Add(ref rd, i) = op.Apply(Unsafe.Add(ref ra, i), Unsafe.Add(ref rb, i));
    }

    /// <summary>The scalar path of <see cref="Map{T}"/>, the reference the vector paths are tested against.</summary>
    public static void MapScalar<T>(T op, ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> dst) where T : struct, IBinaryKernel
    {
        for (var i = 0; i < dst.Length; i++) dst[i] = op.Apply(a[i], b[i]);
    }

    // y:(rows,cols) += bias:(cols) on every row
    public static void AddRowVector(Span<float> y, ReadOnlySpan<float> bias, int rows)
    {
        var cols = bias.Length;
        if (cols == 1)
        {
            // One output channel (a grey decoder's last layer): one vector add instead of a call per pixel.
            var column = y[..rows];
            Map(new AddScalarKernel(bias[0]), column, column, column);
            return;
        }
        for (var r = 0; r < rows; r++)
        {
            var row = y.Slice(r * cols, cols);
            Map(new AddKernel(), row, bias, row);
        }
    }

    // y:(rows,cols) = bias:(cols) on every row, so a GEMM with beta=1 adds x·Wᵀ on top without a second pass
    public static void BroadcastRows(Span<float> y, ReadOnlySpan<float> bias, int rows)
    {
        var cols = bias.Length;
        if (rows <= 0) return;
        // Copy-doubling: rows [0, k) fill rows [k, 2k), so a conv output of 25 088 short rows takes 15 copies, not 25 088.
        bias.CopyTo(y);
        var filled = 1;
        while (filled < rows)
        {
            var chunk = Math.Min(filled, rows - filled);
            y[..(chunk * cols)].CopyTo(y.Slice(filled * cols, chunk * cols));
            filled += chunk;
        }
    }

    // dy:(rows,cols) -> sums:(cols), each column summed over rows in row order, as the naive loop (same bits)
    public static void SumRows(ReadOnlySpan<float> dy, Span<float> sums, int rows)
    {
        var cols = sums.Length;
        if (dy.Length < (long)rows * cols) throw new ArgumentException($"SumRows: {rows}x{cols} values needed, {dy.Length} given");
        ref var rdy = ref MemoryMarshal.GetReference(dy);
        var c = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            // Four vectors of columns at a time, accumulated down the rows in registers.
            for (; c <= cols - 4 * Vector512<float>.Count; c += 4 * Vector512<float>.Count)
            {
                Vector512<float> s0 = default, s1 = default, s2 = default, s3 = default;
                for (var r = 0; r < rows; r++)
                {
                    var at = (nuint)(r * cols + c);
                    s0 += Vector512.LoadUnsafe(ref rdy, at);
                    s1 += Vector512.LoadUnsafe(ref rdy, at + 16);
                    s2 += Vector512.LoadUnsafe(ref rdy, at + 32);
                    s3 += Vector512.LoadUnsafe(ref rdy, at + 48);
                }
                s0.CopyTo(sums[c..]);
                s1.CopyTo(sums[(c + 16)..]);
                s2.CopyTo(sums[(c + 32)..]);
                s3.CopyTo(sums[(c + 48)..]);
            }
            for (; c <= cols - Vector512<float>.Count; c += Vector512<float>.Count)
            {
                Vector512<float> s0 = default;
                for (var r = 0; r < rows; r++) s0 += Vector512.LoadUnsafe(ref rdy, (nuint)(r * cols + c));
                s0.CopyTo(sums[c..]);
            }
        }
        if (Vector256.IsHardwareAccelerated)
        {
            for (; c <= cols - Vector256<float>.Count; c += Vector256<float>.Count)
            {
                Vector256<float> s0 = default;
                for (var r = 0; r < rows; r++) s0 += Vector256.LoadUnsafe(ref rdy, (nuint)(r * cols + c));
                s0.CopyTo(sums[c..]);
            }
        }
        for (; c < cols; c++)
        {
            var s0 = 0f;
            for (var r = 0; r < rows; r++) s0 += Unsafe.Add(ref rdy, r * cols + c);
            sums[c] = s0;
        }
    }

    public static void SumRowsNaive(ReadOnlySpan<float> dy, Span<float> sums, int rows)
    {
        var cols = sums.Length;
        for (var c = 0; c < cols; c++)
        {
            float s = 0;
            for (var r = 0; r < rows; r++) s += dy[r * cols + c];
            sums[c] = s;
        }
    }
}

/// <summary>y = max(x, 0), NaN kept (so a diverging model still shows as NaN). Operands: (x, x).</summary>
internal readonly struct ReluKernel : IBinaryKernel
{
    public float Apply(float x, float _) => MathF.Max(x, 0f);
    public Vector256<float> Apply(Vector256<float> x, Vector256<float> _) => Vector256.Max(x, Vector256<float>.Zero);
    public Vector512<float> Apply(Vector512<float> x, Vector512<float> _) => Vector512.Max(x, Vector512<float>.Zero);
}

/// <summary>y = a + b. Operands: (a, b).</summary>
internal readonly struct AddKernel : IBinaryKernel
{
    public float Apply(float a, float b) => a + b;
    public Vector256<float> Apply(Vector256<float> a, Vector256<float> b) => a + b;
    public Vector512<float> Apply(Vector512<float> a, Vector512<float> b) => a + b;
}

/// <summary>y = x + c. Operands: (x, x).</summary>
internal readonly struct AddScalarKernel(float c) : IBinaryKernel
{
    public float Apply(float x, float _) => x + c;
    public Vector256<float> Apply(Vector256<float> x, Vector256<float> _) => x + Vector256.Create(c);
    public Vector512<float> Apply(Vector512<float> x, Vector512<float> _) => x + Vector512.Create(c);
}

/// <summary>dx = dy where the ReLU output y was positive, else 0. Operands: (y, dy).</summary>
internal readonly struct ReluBackwardKernel : IBinaryKernel
{
    public float Apply(float y, float dy) => y > 0 ? dy : 0f;
    public Vector256<float> Apply(Vector256<float> y, Vector256<float> dy) => Vector256.ConditionalSelect(Vector256.GreaterThan(y, Vector256<float>.Zero), dy, Vector256<float>.Zero);
    public Vector512<float> Apply(Vector512<float> y, Vector512<float> dy) => Vector512.ConditionalSelect(Vector512.GreaterThan(y, Vector512<float>.Zero), dy, Vector512<float>.Zero);
}

/// <summary>y = x for x &gt; 0, else slope·x. Operands: (x, x).</summary>
internal readonly struct LeakyReluKernel(float slope) : IBinaryKernel
{
    public float Apply(float x, float _) => x > 0 ? x : slope * x;
    public Vector256<float> Apply(Vector256<float> x, Vector256<float> _) => Vector256.ConditionalSelect(Vector256.GreaterThan(x, Vector256<float>.Zero), x, x * slope);
    public Vector512<float> Apply(Vector512<float> x, Vector512<float> _) => Vector512.ConditionalSelect(Vector512.GreaterThan(x, Vector512<float>.Zero), x, x * slope);
}

/// <summary>dx = dy for x &gt; 0, else slope·dy. Operands: (x, dy).</summary>
internal readonly struct LeakyReluBackwardKernel(float slope) : IBinaryKernel
{
    public float Apply(float x, float dy) => x > 0 ? dy : slope * dy;
    public Vector256<float> Apply(Vector256<float> x, Vector256<float> dy) => Vector256.ConditionalSelect(Vector256.GreaterThan(x, Vector256<float>.Zero), dy, dy * slope);
    public Vector512<float> Apply(Vector512<float> x, Vector512<float> dy) => Vector512.ConditionalSelect(Vector512.GreaterThan(x, Vector512<float>.Zero), dy, dy * slope);
}

/// <summary>dx = dy·y·(1−y) from the sigmoid output y. Operands: (y, dy).</summary>
internal readonly struct SigmoidBackwardKernel : IBinaryKernel
{
    public float Apply(float y, float dy) => dy * y * (1f - y);
    public Vector256<float> Apply(Vector256<float> y, Vector256<float> dy) => dy * y * (Vector256<float>.One - y);
    public Vector512<float> Apply(Vector512<float> y, Vector512<float> dy) => dy * y * (Vector512<float>.One - y);
}

/// <summary>dx = dy·(1−y²) from the tanh output y. Operands: (y, dy).</summary>
internal readonly struct TanhBackwardKernel : IBinaryKernel
{
    public float Apply(float y, float dy) => dy * (1f - y * y);
    public Vector256<float> Apply(Vector256<float> y, Vector256<float> dy) => dy * (Vector256<float>.One - y * y);
    public Vector512<float> Apply(Vector512<float> y, Vector512<float> dy) => dy * (Vector512<float>.One - y * y);
}
