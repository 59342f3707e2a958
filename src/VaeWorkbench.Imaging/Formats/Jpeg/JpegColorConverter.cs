namespace VaeWorkbench.Imaging.Formats.Jpeg;

/// <summary>
/// YCbCr to RGB with libjpeg's jdcolor.c fixed-point tables (16 fractional bits, rounding folded into the tables),
/// so the results match djpeg's exactly.
/// </summary>
internal static class JpegColorConverter
{
    private const int ScaleBits = 16;
    private const int Half = 1 << (ScaleBits - 1);

    private static readonly int[] CrToR = new int[256];
    private static readonly int[] CbToB = new int[256];
    private static readonly int[] CrToG = new int[256];
    private static readonly int[] CbToG = new int[256];

    static JpegColorConverter()
    {
        for (int i = 0; i < 256; i++)
        {
            int x = i - 128;
            CrToR[i] = (Fix(1.40200) * x + Half) >> ScaleBits;
            CbToB[i] = (Fix(1.77200) * x + Half) >> ScaleBits;
            CrToG[i] = -Fix(0.71414) * x;
            CbToG[i] = -Fix(0.34414) * x + Half;
        }
    }

    private static int Fix(double x) => (int)(x * (1 << ScaleBits) + 0.5);

    /// <summary>Writes one row of interleaved RGB from full-resolution Y, Cb and Cr rows.</summary>
    public static void YCbCrToRgb(ReadOnlySpan<byte> y, ReadOnlySpan<byte> cb, ReadOnlySpan<byte> cr, Span<byte> rgb)
    {
        int width = rgb.Length / 3;
        y = y[..width];
        cb = cb[..width];
        cr = cr[..width];
        for (int x = 0; x < width; x++)
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
