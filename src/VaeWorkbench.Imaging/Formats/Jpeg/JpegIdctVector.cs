using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace VaeWorkbench.Imaging.Formats.Jpeg;

/// <summary>
/// <see cref="JpegIdct"/>'s islow transform computed eight lanes at a time with AVX2: the same 32-bit integer
/// operations in the same order, so the output is bit-identical to the scalar kernel (which the tests check).
/// The column pass runs with one column per lane; an 8x8 transpose then lets the row pass run with one row per lane.
/// </summary>
internal static unsafe class JpegIdctVector
{
    public static bool IsSupported => Avx2.IsSupported;

    private const int ConstBits = 13;
    private const int Pass1Bits = 2;

    public static void Transform(short* coefficients, ushort* quant, byte* output, int stride)
    {
        // Column pass: lane j holds column j; row r of the block is one vector.
        var r0 = Dequantize(coefficients, quant, 0);
        var r1 = Dequantize(coefficients, quant, 1);
        var r2 = Dequantize(coefficients, quant, 2);
        var r3 = Dequantize(coefficients, quant, 3);
        var r4 = Dequantize(coefficients, quant, 4);
        var r5 = Dequantize(coefficients, quant, 5);
        var r6 = Dequantize(coefficients, quant, 6);
        var r7 = Dequantize(coefficients, quant, 7);

        Butterfly(ref r0, ref r1, ref r2, ref r3, ref r4, ref r5, ref r6, ref r7, ConstBits - Pass1Bits);
        Transpose(ref r0, ref r1, ref r2, ref r3, ref r4, ref r5, ref r6, ref r7);
        Butterfly(ref r0, ref r1, ref r2, ref r3, ref r4, ref r5, ref r6, ref r7, ConstBits + Pass1Bits + 3);
        // After the second pass, vector k holds output column k for every row; transpose back to rows.
        Transpose(ref r0, ref r1, ref r2, ref r3, ref r4, ref r5, ref r6, ref r7);

        StoreRows(r0, r1, output, stride);
        StoreRows(r2, r3, output + 2 * stride, stride);
        StoreRows(r4, r5, output + 4 * stride, stride);
        StoreRows(r6, r7, output + 6 * stride, stride);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> Dequantize(short* coefficients, ushort* quant, int row)
    {
        var c = Avx2.ConvertToVector256Int32(coefficients + row * 8);
        var q = Avx2.ConvertToVector256Int32(quant + row * 8);
        return Avx2.MultiplyLow(c, q);
    }

    /// <summary>One 1-D islow pass over eight lanes: inputs x0..x7 become outputs 0..7, descaled by <paramref name="shift"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Butterfly(ref Vector256<int> x0, ref Vector256<int> x1, ref Vector256<int> x2, ref Vector256<int> x3,
        ref Vector256<int> x4, ref Vector256<int> x5, ref Vector256<int> x6, ref Vector256<int> x7, int shift)
    {
        // Even part.
        var z1 = Mul(x2 + x6, 4433);
        var tmp2 = z1 + Mul(x6, -15137);
        var tmp3 = z1 + Mul(x2, 6270);
        var tmp0 = Avx2.ShiftLeftLogical(x0 + x4, ConstBits);
        var tmp1 = Avx2.ShiftLeftLogical(x0 - x4, ConstBits);
        var tmp10 = tmp0 + tmp3;
        var tmp13 = tmp0 - tmp3;
        var tmp11 = tmp1 + tmp2;
        var tmp12 = tmp1 - tmp2;

        // Odd part, inputs 7, 5, 3, 1.
        var za = x7 + x1;
        var zb = x5 + x3;
        var zc = x7 + x3;
        var zd = x5 + x1;
        var z5 = Mul(zc + zd, 9633);
        var o0 = Mul(x7, 2446);
        var o1 = Mul(x5, 16819);
        var o2 = Mul(x3, 25172);
        var o3 = Mul(x1, 12299);
        za = Mul(za, -7373);
        zb = Mul(zb, -20995);
        zc = Mul(zc, -16069) + z5;
        zd = Mul(zd, -3196) + z5;
        o0 += za + zc;
        o1 += zb + zd;
        o2 += zb + zc;
        o3 += za + zd;

        var round = Vector256.Create(1 << (shift - 1));
        x0 = (tmp10 + o3 + round) >> shift;
        x7 = (tmp10 - o3 + round) >> shift;
        x1 = (tmp11 + o2 + round) >> shift;
        x6 = (tmp11 - o2 + round) >> shift;
        x2 = (tmp12 + o1 + round) >> shift;
        x5 = (tmp12 - o1 + round) >> shift;
        x3 = (tmp13 + o0 + round) >> shift;
        x4 = (tmp13 - o0 + round) >> shift;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> Mul(Vector256<int> x, int constant) => Avx2.MultiplyLow(x, Vector256.Create(constant));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose(ref Vector256<int> r0, ref Vector256<int> r1, ref Vector256<int> r2, ref Vector256<int> r3,
        ref Vector256<int> r4, ref Vector256<int> r5, ref Vector256<int> r6, ref Vector256<int> r7)
    {
        var t0 = Avx2.UnpackLow(r0, r1);
        var t1 = Avx2.UnpackHigh(r0, r1);
        var t2 = Avx2.UnpackLow(r2, r3);
        var t3 = Avx2.UnpackHigh(r2, r3);
        var t4 = Avx2.UnpackLow(r4, r5);
        var t5 = Avx2.UnpackHigh(r4, r5);
        var t6 = Avx2.UnpackLow(r6, r7);
        var t7 = Avx2.UnpackHigh(r6, r7);

        var u0 = Avx2.UnpackLow(t0.AsInt64(), t2.AsInt64()).AsInt32();
        var u1 = Avx2.UnpackHigh(t0.AsInt64(), t2.AsInt64()).AsInt32();
        var u2 = Avx2.UnpackLow(t1.AsInt64(), t3.AsInt64()).AsInt32();
        var u3 = Avx2.UnpackHigh(t1.AsInt64(), t3.AsInt64()).AsInt32();
        var u4 = Avx2.UnpackLow(t4.AsInt64(), t6.AsInt64()).AsInt32();
        var u5 = Avx2.UnpackHigh(t4.AsInt64(), t6.AsInt64()).AsInt32();
        var u6 = Avx2.UnpackLow(t5.AsInt64(), t7.AsInt64()).AsInt32();
        var u7 = Avx2.UnpackHigh(t5.AsInt64(), t7.AsInt64()).AsInt32();

        r0 = Avx2.Permute2x128(u0, u4, 0x20);
        r1 = Avx2.Permute2x128(u1, u5, 0x20);
        r2 = Avx2.Permute2x128(u2, u6, 0x20);
        r3 = Avx2.Permute2x128(u3, u7, 0x20);
        r4 = Avx2.Permute2x128(u0, u4, 0x31);
        r5 = Avx2.Permute2x128(u1, u5, 0x31);
        r6 = Avx2.Permute2x128(u2, u6, 0x31);
        r7 = Avx2.Permute2x128(u3, u7, 0x31);
    }

    /// <summary>
    /// Range-limits two rows the way libjpeg's table does (value &amp; 1023 indexes it, so corrupt out-of-range values
    /// wrap identically) and stores them as bytes.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRows(Vector256<int> first, Vector256<int> second, byte* output, int stride)
    {
        var a = RangeLimit(first);
        var b = RangeLimit(second);
        // Values are 0..255: pack to 16 bits (lanes interleave per 128-bit half), then to bytes.
        var packed16 = Avx2.PackSignedSaturate(a, b);                       // a0-3 b0-3 | a4-7 b4-7
        var packed8 = Avx2.PackUnsignedSaturate(packed16, packed16);         // a0-3 b0-3 a0-3 b0-3 | a4-7 b4-7 ...
        ulong low = packed8.AsUInt64().GetElement(0);                          // a0-3 b0-3
        ulong high = packed8.AsUInt64().GetElement(2);                         // a4-7 b4-7
        *(ulong*)output = (low & 0xFFFFFFFFUL) | (high << 32);
        *(ulong*)(output + stride) = (low >> 32) | (high & 0xFFFFFFFF00000000UL);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> RangeLimit(Vector256<int> value)
    {
        // Table index i = value & 1023 maps to (i + 128) & 1023 when that is below 256, to 255 below 640, else 0.
        var wrapped = (value + Vector256.Create(128)) & Vector256.Create(1023);
        var keep = Avx2.CompareGreaterThan(Vector256.Create(640), wrapped);
        return Avx2.Min(wrapped, Vector256.Create(255)) & keep;
    }
}
