using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace VaeWorkbench.Engine.Kernels;

/// <summary>
/// One Winograd minimal-filtering algorithm F(m, 2) for a 2-tap correlation y[i] = g0·d[i] + g1·d[i + 1], i &lt; m:
/// Y = Aᵀ·[(G·g) ⊙ (Bᵀ·d)] on m + 1 inputs, applied along both axes for F(m×m, 2×2). The transforms take and give
/// 16 channels per vector; values lie <c>stride</c> floats apart.
/// </summary>
internal interface IWinogradTile
{
    /// <summary>m: outputs per tile side; a tile reads m + 1 inputs per side and makes (m + 1)² products.</summary>
    static abstract int Outputs { get; }

    /// <summary>G, (m + 1) × 2, row-major: the filter transform.</summary>
    static abstract ReadOnlySpan<float> FilterTransform { get; }

    /// <summary>v = Bᵀ·d: m + 1 values in, m + 1 out.</summary>
    static abstract void TransformInput(ref float d, nuint dStride, ref float v, nuint vStride);

    /// <summary>y = Aᵀ·p: m + 1 products in, m outputs out.</summary>
    static abstract void TransformOutput(ref float p, nuint pStride, ref float y, nuint yStride);
}

/// <summary>
/// F(4, 2) on the points 0, 1, −1, 2, ∞: 25 products for 16 outputs. Bᵀ and Aᵀ are small integers, exact in binary;
/// only G's thirds and sixths round.
/// </summary>
internal readonly struct WinogradTile4 : IWinogradTile
{
    public static int Outputs => 4;

    public static ReadOnlySpan<float> FilterTransform => [0.5f, 0f, -0.5f, -0.5f, -1f / 6, 1f / 6, 1f / 6, 1f / 3, 0f, 1f];

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void TransformInput(ref float d, nuint dStride, ref float v, nuint vStride)
    {
        var (d0, d1, d2, d3, d4) = (Vector512.LoadUnsafe(ref d), Vector512.LoadUnsafe(ref d, dStride), Vector512.LoadUnsafe(ref d, 2 * dStride),
            Vector512.LoadUnsafe(ref d, 3 * dStride), Vector512.LoadUnsafe(ref d, 4 * dStride));
        ((d0 - d2) * 2f - d1 + d3).StoreUnsafe(ref v);
        (d3 - d2 - d1 * 2f).StoreUnsafe(ref v, vStride);
        (d1 * 2f - d2 * 3f + d3).StoreUnsafe(ref v, 2 * vStride);
        (d3 - d1).StoreUnsafe(ref v, 3 * vStride);
        ((d1 - d3) * 2f - d2 + d4).StoreUnsafe(ref v, 4 * vStride);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void TransformOutput(ref float p, nuint pStride, ref float y, nuint yStride)
    {
        var (m0, m1, m2, m3, m4) = (Vector512.LoadUnsafe(ref p), Vector512.LoadUnsafe(ref p, pStride), Vector512.LoadUnsafe(ref p, 2 * pStride),
            Vector512.LoadUnsafe(ref p, 3 * pStride), Vector512.LoadUnsafe(ref p, 4 * pStride));
        var sum = m1 + m2;
        var difference = m1 - m2;
        (m0 + sum + m3).StoreUnsafe(ref y);
        (difference + m3 * 2f).StoreUnsafe(ref y, yStride);
        (sum + m3 * 4f).StoreUnsafe(ref y, 2 * yStride);
        (difference + m3 * 8f + m4).StoreUnsafe(ref y, 3 * yStride);
    }
}

/// <summary>
/// F(7, 2) on the points 0, −1, 1, ½, −½, 2, −2, ∞ (the point set of the common F(6, 3), so Bᵀ is its well-known
/// matrix): 64 products for 49 outputs, which for a 7×7 grid is one tile where F(4, 2) needs four (100 products).
/// Bᵀ's and Aᵀ's constants are exact in binary; G's ninths, 45ths and 90ths round. The larger points cost accuracy:
/// about 2·10⁻⁶ of Σ|terms| against 2·10⁻⁷ for F(4, 2) (measured over 64 channels), far below an 8-bit pixel's step.
/// Row 0 of Bᵀ and of G is negated from the textbook construction, which leaves the product unchanged.
/// </summary>
internal readonly struct WinogradTile7 : IWinogradTile
{
    public static int Outputs => 7;

    public static ReadOnlySpan<float> FilterTransform =>
    [
        1f, 0f,
        -2f / 9, 2f / 9,
        -2f / 9, -2f / 9,
        32f / 45, 16f / 45,
        32f / 45, -16f / 45,
        1f / 90, 1f / 45,
        1f / 90, -1f / 45,
        0f, 1f,
    ];

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void TransformInput(ref float d, nuint dStride, ref float v, nuint vStride)
    {
        var (d0, d1, d2, d3, d4, d5, d6, d7) = LoadEight(ref d, dStride);
        // Rows 1–6 pair up as even ± odd parts (points ±1, ±½, ±2).
        var even1 = d2 + d6 - d4 * 4.25f;
        var odd1 = d1 + d5 - d3 * 4.25f;
        var even2 = d2 * 4f - d4 * 5f + d6;
        var odd2 = d1 * 2f - d3 * 2.5f + d5 * 0.5f;
        var even3 = d2 * 0.25f - d4 * 1.25f + d6;
        var odd3 = d1 * 0.5f - d3 * 2.5f + d5 * 2f;
        (d0 - d6 + (d4 - d2) * 5.25f).StoreUnsafe(ref v);
        (even1 - odd1).StoreUnsafe(ref v, vStride);
        (even1 + odd1).StoreUnsafe(ref v, 2 * vStride);
        (even2 + odd2).StoreUnsafe(ref v, 3 * vStride);
        (even2 - odd2).StoreUnsafe(ref v, 4 * vStride);
        (even3 + odd3).StoreUnsafe(ref v, 5 * vStride);
        (even3 - odd3).StoreUnsafe(ref v, 6 * vStride);
        (d7 - d1 + (d3 - d5) * 5.25f).StoreUnsafe(ref v, 7 * vStride);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void TransformOutput(ref float p, nuint pStride, ref float y, nuint yStride)
    {
        var (m0, m1, m2, m3, m4, m5, m6, m7) = LoadEight(ref p, pStride);
        // Row i of Aᵀ weighs the points ±1, ±½, ±2 by their i-th powers: sums for even i, differences for odd i.
        var (sum1, difference1) = (m2 + m1, m2 - m1);
        var (sumHalf, differenceHalf) = (m3 + m4, m3 - m4);
        var (sum2, difference2) = (m5 + m6, m5 - m6);
        (m0 + sum1 + sumHalf + sum2).StoreUnsafe(ref y);
        (difference1 + differenceHalf * 0.5f + difference2 * 2f).StoreUnsafe(ref y, yStride);
        (sum1 + sumHalf * 0.25f + sum2 * 4f).StoreUnsafe(ref y, 2 * yStride);
        (difference1 + differenceHalf * 0.125f + difference2 * 8f).StoreUnsafe(ref y, 3 * yStride);
        (sum1 + sumHalf * 0.0625f + sum2 * 16f).StoreUnsafe(ref y, 4 * yStride);
        (difference1 + differenceHalf * 0.03125f + difference2 * 32f).StoreUnsafe(ref y, 5 * yStride);
        (sum1 + sumHalf * 0.015625f + sum2 * 64f + m7).StoreUnsafe(ref y, 6 * yStride);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector512<float>, Vector512<float>, Vector512<float>, Vector512<float>, Vector512<float>, Vector512<float>, Vector512<float>, Vector512<float>)
        LoadEight(ref float at, nuint stride) =>
        (Vector512.LoadUnsafe(ref at), Vector512.LoadUnsafe(ref at, stride), Vector512.LoadUnsafe(ref at, 2 * stride), Vector512.LoadUnsafe(ref at, 3 * stride),
         Vector512.LoadUnsafe(ref at, 4 * stride), Vector512.LoadUnsafe(ref at, 5 * stride), Vector512.LoadUnsafe(ref at, 6 * stride), Vector512.LoadUnsafe(ref at, 7 * stride));
}
