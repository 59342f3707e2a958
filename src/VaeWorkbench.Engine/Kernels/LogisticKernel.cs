using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace VaeWorkbench.Engine.Kernels;

/// <summary>
/// σ(x) = 1 / (1 + e^−x) in single precision, at every width through <see cref="ElementWise.Map{T}"/>. Operands: (x, x).
/// TensorPrimitives.Sigmoid evaluates e^x in double precision: its first call spent about 50 ms in the JIT, a third of
/// a short generation's fixed cost, and it ran at about 2 ns a pixel. Here e^t = 2^n·e^r with n = round(t/ln 2) and
/// |r| ≤ ln 2 / 2, e^r from Cephes' degree-7 polynomial (within 2 ulp), and 2^n written into the exponent bits. t is
/// clamped to ±87 so 2^n stays a normal float; σ saturates long before that. Every width does the same operations in
/// the same order, so the vector paths give the scalar path's bits.
/// </summary>
internal readonly struct LogisticKernel : IBinaryKernel
{
    private const float Limit = 87f;
    private const float Log2E = 1.44269504088896341f;
    private const float Ln2High = 0.693359375f;   // ln 2 split so n·Ln2High is exact for |n| ≤ 127
    private const float Ln2Low = -2.12194440e-4f;
    // 1.5·2^23: t/ln 2 + RoundingShift rounds to an integer n held in the low mantissa bits, so the bits of that sum
    // minus the bits of RoundingShift are n itself, with no float-to-int conversion.
    private const float RoundingShift = 12582912f;
    private const int RoundingShiftBits = 0x4B400000;
    private const float P0 = 1.9875691500e-4f, P1 = 1.3981999507e-3f, P2 = 8.3334519073e-3f;
    private const float P3 = 4.1665795894e-2f, P4 = 1.6666665459e-1f, P5 = 5.0000001201e-1f;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float Apply(float x, float _)
    {
        var t = Math.Clamp(-x, -Limit, Limit);
        var shifted = t * Log2E + RoundingShift;
        var n = shifted - RoundingShift;
        var r = t - n * Ln2High - n * Ln2Low;
        var p = (((((P0 * r + P1) * r + P2) * r + P3) * r + P4) * r + P5) * (r * r) + r + 1f;
        var e = BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits(p) + ((BitConverter.SingleToInt32Bits(shifted) - RoundingShiftBits) << 23));
        return 1f / (1f + e);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<float> Apply(Vector256<float> x, Vector256<float> _)
    {
        var t = Vector256.Min(Vector256.Max(-x, Vector256.Create(-Limit)), Vector256.Create(Limit));
        var shifted = t * Log2E + Vector256.Create(RoundingShift);
        var n = shifted - Vector256.Create(RoundingShift);
        var r = t - n * Ln2High - n * Ln2Low;
        var p = (((((Vector256.Create(P0) * r + Vector256.Create(P1)) * r + Vector256.Create(P2)) * r + Vector256.Create(P3)) * r
            + Vector256.Create(P4)) * r + Vector256.Create(P5)) * (r * r) + r + Vector256<float>.One;
        var e = (p.AsInt32() + Vector256.ShiftLeft(shifted.AsInt32() - Vector256.Create(RoundingShiftBits), 23)).AsSingle();
        return Vector256<float>.One / (Vector256<float>.One + e);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector512<float> Apply(Vector512<float> x, Vector512<float> _)
    {
        var t = Vector512.Min(Vector512.Max(-x, Vector512.Create(-Limit)), Vector512.Create(Limit));
        var shifted = t * Log2E + Vector512.Create(RoundingShift);
        var n = shifted - Vector512.Create(RoundingShift);
        var r = t - n * Ln2High - n * Ln2Low;
        var p = (((((Vector512.Create(P0) * r + Vector512.Create(P1)) * r + Vector512.Create(P2)) * r + Vector512.Create(P3)) * r
            + Vector512.Create(P4)) * r + Vector512.Create(P5)) * (r * r) + r + Vector512<float>.One;
        var e = (p.AsInt32() + Vector512.ShiftLeft(shifted.AsInt32() - Vector512.Create(RoundingShiftBits), 23)).AsSingle();
        return Vector512<float>.One / (Vector512<float>.One + e);
    }

    /// <summary>The definition in double precision, the reference the kernel is tested against.</summary>
    public static float Naive(float x) => (float)(1 / (1 + Math.Exp(-(double)x)));
}
