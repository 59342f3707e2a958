using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace VaeWorkbench.Engine.Kernels;

/// <summary>
/// 8-bit pixels to floats in [0, 1], as each batch is drawn: dst[i] = src[i] / 255f. Division rather than multiplication by
/// 1/255 keeps every value bit-identical to the float datasets this replaced (IEEE division is exact-rounded at every width).
/// </summary>
public static class ByteToUnitFloat
{
    private const float Scale = 255f;

    /// <summary>Vector512 where accelerated, then Vector256, then scalar for the tail.</summary>
    public static void Convert(ReadOnlySpan<byte> src, Span<float> dst)
    {
        if (src.Length != dst.Length) throw new ArgumentException($"{src.Length} bytes but {dst.Length} floats");
        ref var rs = ref MemoryMarshal.GetReference(src);
        ref var rd = ref MemoryMarshal.GetReference(dst);
        var n = src.Length;
        var i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            // 64 bytes -> 4 × 16 floats: widen byte->ushort->uint, convert, divide.
            var scale = Vector512.Create(Scale);
            for (; i <= n - Vector512<byte>.Count; i += Vector512<byte>.Count)
            {
                var (lo, hi) = Vector512.Widen(Vector512.LoadUnsafe(ref rs, (nuint)i));
                var (a, b) = Vector512.Widen(lo);
                var (c, d) = Vector512.Widen(hi);
                (Vector512.ConvertToSingle(a) / scale).StoreUnsafe(ref rd, (nuint)i);
                (Vector512.ConvertToSingle(b) / scale).StoreUnsafe(ref rd, (nuint)(i + 16));
                (Vector512.ConvertToSingle(c) / scale).StoreUnsafe(ref rd, (nuint)(i + 32));
                (Vector512.ConvertToSingle(d) / scale).StoreUnsafe(ref rd, (nuint)(i + 48));
            }
        }
        if (Vector256.IsHardwareAccelerated)
        {
            var scale = Vector256.Create(Scale);
            for (; i <= n - Vector256<byte>.Count; i += Vector256<byte>.Count)
            {
                var (lo, hi) = Vector256.Widen(Vector256.LoadUnsafe(ref rs, (nuint)i));
                var (a, b) = Vector256.Widen(lo);
                var (c, d) = Vector256.Widen(hi);
                (Vector256.ConvertToSingle(a) / scale).StoreUnsafe(ref rd, (nuint)i);
                (Vector256.ConvertToSingle(b) / scale).StoreUnsafe(ref rd, (nuint)(i + 8));
                (Vector256.ConvertToSingle(c) / scale).StoreUnsafe(ref rd, (nuint)(i + 16));
                (Vector256.ConvertToSingle(d) / scale).StoreUnsafe(ref rd, (nuint)(i + 24));
            }
        }
        for (; i < n; i++) Unsafe.Add(ref rd, i) = Unsafe.Add(ref rs, i) / Scale;
    }

    /// <summary>The naive reference the vector paths are tested against.</summary>
    public static void ConvertScalar(ReadOnlySpan<byte> src, Span<float> dst)
    {
        for (var i = 0; i < src.Length; i++) dst[i] = src[i] / Scale;
    }
}
