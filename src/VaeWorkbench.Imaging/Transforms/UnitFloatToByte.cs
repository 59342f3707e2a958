using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace VaeWorkbench.Imaging.Transforms;

/// <summary>
/// Turns samples in [0, 1] into bytes: clamp, scale by 255, round half to even (as <see cref="MathF.Round(float)"/>),
/// NaN to 0. Vectorised, since every generated image passes through it.
/// </summary>
internal static class UnitFloatToByte
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Convert(ReadOnlySpan<float> source, Span<byte> destination)
    {
        if (destination.Length != source.Length) throw new ArgumentException("source and destination lengths differ", nameof(destination));
        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var scale = Vector256.Create(255f);
            var one = Vector256.Create(1f);
            for (; i + 4 * Vector256<float>.Count <= source.Length; i += 4 * Vector256<float>.Count)
            {
                var n = Vector256<float>.Count;
                var low = Vector256.Narrow(Scaled(source, i, one, scale), Scaled(source, i + n, one, scale));
                var high = Vector256.Narrow(Scaled(source, i + 2 * n, one, scale), Scaled(source, i + 3 * n, one, scale));
                Vector256.Narrow(low, high).CopyTo(destination[i..]);
            }
        }
        for (; i < source.Length; i++) destination[i] = One(source[i]);
    }

    /// <summary>Scalar reference for <see cref="Convert"/>, one sample at a time.</summary>
    internal static void ConvertNaive(ReadOnlySpan<float> source, Span<byte> destination)
    {
        for (var i = 0; i < source.Length; i++) destination[i] = One(source[i]);
    }

    private static byte One(float v) => float.IsNaN(v) ? (byte)0 : (byte)MathF.Round(Math.Clamp(v, 0f, 1f) * 255f);

    // Eight samples as 0..255 integers in 32-bit lanes (NaN lanes are zeroed before clamping).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<uint> Scaled(ReadOnlySpan<float> source, int at, Vector256<float> one, Vector256<float> scale)
    {
        var v = Vector256.Create(source.Slice(at, Vector256<float>.Count));
        v = Vector256.ConditionalSelect(Vector256.Equals(v, v), v, Vector256<float>.Zero);
        v = Vector256.Min(Vector256.Max(v, Vector256<float>.Zero), one) * scale;
        return Vector256.ConvertToUInt32(Vector256.Round(v));
    }
}
