using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace VaeWorkbench.Imaging.Formats.Jpeg;

/// <summary>
/// YCbCr to RGB with libjpeg's jdcolor.c fixed-point arithmetic (16 fractional bits, rounding folded in), so the
/// results match djpeg's exactly. <see cref="YCbCrToRgbScalar"/> is the table-driven reference; the AVX2 path computes
/// the same table entries on the fly in 32-bit lanes and is checked against it.
/// </summary>
internal static unsafe class JpegColorConverter
{
    private const int ScaleBits = 16;
    private const int Half = 1 << (ScaleBits - 1);
    private static readonly int CrToRFactor = Fix(1.40200);
    private static readonly int CbToBFactor = Fix(1.77200);
    private static readonly int CrToGFactor = -Fix(0.71414);
    private static readonly int CbToGFactor = -Fix(0.34414);

    private static readonly int[] CrToR = new int[256];
    private static readonly int[] CbToB = new int[256];
    private static readonly int[] CrToG = new int[256];
    private static readonly int[] CbToG = new int[256];

    /// <summary>Shuffle masks that interleave 16 R, 16 G and 16 B bytes into 48 bytes of RGB (0x80 = zero).</summary>
    private static readonly Vector128<byte>[] InterleaveMasks = BuildInterleaveMasks();

    static JpegColorConverter()
    {
        for (int i = 0; i < 256; i++)
        {
            int x = i - 128;
            CrToR[i] = (CrToRFactor * x + Half) >> ScaleBits;
            CbToB[i] = (CbToBFactor * x + Half) >> ScaleBits;
            CrToG[i] = CrToGFactor * x;
            CbToG[i] = CbToGFactor * x + Half;
        }
    }

    private static int Fix(double x) => (int)(x * (1 << ScaleBits) + 0.5);

    private static Vector128<byte>[] BuildInterleaveMasks()
    {
        // masks[3 * chunk + channel]: output byte 16*chunk+i takes pixel (16*chunk+i)/3 of its channel.
        var masks = new Vector128<byte>[9];
        Span<byte> mask = stackalloc byte[16];
        for (int chunk = 0; chunk < 3; chunk++)
        {
            for (int channel = 0; channel < 3; channel++)
            {
                for (int i = 0; i < 16; i++)
                {
                    int o = 16 * chunk + i;
                    mask[i] = o % 3 == channel ? (byte)(o / 3) : (byte)0x80;
                }

                masks[3 * chunk + channel] = Vector128.Create((ReadOnlySpan<byte>)mask);
            }
        }

        return masks;
    }

    /// <summary>Writes one row of interleaved RGB (rgb.Length / 3 pixels) from full-resolution Y, Cb and Cr rows.</summary>
    public static void YCbCrToRgb(ReadOnlySpan<byte> y, ReadOnlySpan<byte> cb, ReadOnlySpan<byte> cr, Span<byte> rgb)
    {
        int width = rgb.Length / 3;
        int done = 0;
        if (Avx2.IsSupported && width >= 16)
        {
            fixed (byte* yp = y[..width], cbp = cb[..width], crp = cr[..width], op = rgb)
            {
                for (; done + 16 <= width; done += 16)
                    Convert16(yp + done, cbp + done, crp + done, op + 3 * done);
            }
        }

        YCbCrToRgbScalar(y[done..width], cb[done..width], cr[done..width], rgb[(3 * done)..]);
    }

    private static void Convert16(byte* y, byte* cb, byte* cr, byte* output)
    {
        var (r0, g0, b0) = Convert8(y, cb, cr);
        var (r1, g1, b1) = Convert8(y + 8, cb + 8, cr + 8);
        var r = ToBytes(r0, r1);
        var g = ToBytes(g0, g1);
        var b = ToBytes(b0, b1);
        var m = InterleaveMasks;
        for (int chunk = 0; chunk < 3; chunk++)
        {
            var bytes = Ssse3.Shuffle(r, m[3 * chunk]) | Ssse3.Shuffle(g, m[3 * chunk + 1]) | Ssse3.Shuffle(b, m[3 * chunk + 2]);
            bytes.Store(output + 16 * chunk);
        }
    }

    private static (Vector256<int> R, Vector256<int> G, Vector256<int> B) Convert8(byte* y, byte* cb, byte* cr)
    {
        var luma = Avx2.ConvertToVector256Int32(y);
        var blue = Avx2.ConvertToVector256Int32(cb) - Vector256.Create(128);
        var red = Avx2.ConvertToVector256Int32(cr) - Vector256.Create(128);
        var half = Vector256.Create(Half);
        var r = luma + ((Avx2.MultiplyLow(red, Vector256.Create(CrToRFactor)) + half) >> ScaleBits);
        var g = luma + ((Avx2.MultiplyLow(blue, Vector256.Create(CbToGFactor)) + half + Avx2.MultiplyLow(red, Vector256.Create(CrToGFactor))) >> ScaleBits);
        var b = luma + ((Avx2.MultiplyLow(blue, Vector256.Create(CbToBFactor)) + half) >> ScaleBits);
        return (r, g, b);
    }

    /// <summary>Saturating pack of 16 ints to 16 bytes in order, which is libjpeg's clamp to 0..255.</summary>
    private static Vector128<byte> ToBytes(Vector256<int> low, Vector256<int> high)
    {
        var shorts = Avx2.Permute4x64(Avx2.PackSignedSaturate(low, high).AsInt64(), 0b11_01_10_00).AsInt16();
        return Sse2.PackUnsignedSaturate(shorts.GetLower(), shorts.GetUpper());
    }

    /// <summary>The reference conversion: libjpeg's ycc_rgb_convert with its lookup tables.</summary>
    public static void YCbCrToRgbScalar(ReadOnlySpan<byte> y, ReadOnlySpan<byte> cb, ReadOnlySpan<byte> cr, Span<byte> rgb)
    {
        for (int x = 0; x < y.Length; x++)
        {
            int luma = y[x];
            int blue = cb[x];
            int red = cr[x];
            rgb[3 * x] = Clamp(luma + CrToR[red]);
            rgb[3 * x + 1] = Clamp(luma + ((CbToG[blue] + CrToG[red]) >> ScaleBits));
            rgb[3 * x + 2] = Clamp(luma + CbToB[blue]);
        }
    }

    /// <summary>Interleaves three full-resolution rows that already hold R, G and B (Adobe transform 0).</summary>
    public static void Interleave(ReadOnlySpan<byte> r, ReadOnlySpan<byte> g, ReadOnlySpan<byte> b, Span<byte> rgb)
    {
        int width = rgb.Length / 3;
        for (int x = 0; x < width; x++)
        {
            rgb[3 * x] = r[x];
            rgb[3 * x + 1] = g[x];
            rgb[3 * x + 2] = b[x];
        }
    }

    private static byte Clamp(int value) => (byte)Math.Clamp(value, 0, 255);
}
