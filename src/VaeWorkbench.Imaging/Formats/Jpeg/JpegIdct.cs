namespace VaeWorkbench.Imaging.Formats.Jpeg;

/// <summary>
/// The accurate integer inverse DCT of libjpeg's jidctint.c ("islow", djpeg's default), with dequantization folded in,
/// so our samples match libjpeg-turbo's exactly. It is a separable Loeffler-Ligtenberg-Moschytz transform: 12
/// multiplies per 1-D pass in 13-bit fixed point, columns first, keeping PASS1_BITS of extra precision between passes.
/// libjpeg's shortcuts for all-zero AC columns and rows are left out: they give the same result (until 32-bit
/// overflow on corrupt coefficients), and without them this kernel is the exact reference for <see cref="JpegIdctVector"/>.
/// </summary>
internal static unsafe class JpegIdct
{
    private const int ConstBits = 13;
    private const int Pass1Bits = 2;

    private const int Fix0_298631336 = 2446;
    private const int Fix0_390180644 = 3196;
    private const int Fix0_541196100 = 4433;
    private const int Fix0_765366865 = 6270;
    private const int Fix0_899976223 = 7373;
    private const int Fix1_175875602 = 9633;
    private const int Fix1_501321110 = 12299;
    private const int Fix1_847759065 = 15137;
    private const int Fix1_961570560 = 16069;
    private const int Fix2_053119869 = 16819;
    private const int Fix2_562915447 = 20995;
    private const int Fix3_072711026 = 25172;

    /// <summary>
    /// libjpeg's post-IDCT range limit, indexed by (value &amp; 1023) where value is the descaled sample before adding
    /// 128: -128..127 map to 0..255, larger values saturate, and wildly corrupt values wrap exactly as libjpeg's do.
    /// </summary>
    internal static readonly byte[] RangeLimit = BuildRangeLimit();

    private static byte[] BuildRangeLimit()
    {
        var table = new byte[1024];
        for (int i = 0; i < 1024; i++)
        {
            table[i] = i switch
            {
                < 128 => (byte)(i + 128),
                < 512 => 255,
                < 896 => 0,
                _ => (byte)(i - 896),
            };
        }

        return table;
    }

    /// <summary>Transforms one block of quantized coefficients (natural order) into 8x8 samples at <paramref name="output"/>.</summary>
    public static void Transform(short* coefficients, ushort* quant, byte* output, int stride)
    {
        int* workspace = stackalloc int[64];
        fixed (byte* rangeLimit = RangeLimit)
        {
            for (int column = 0; column < 8; column++)
                ColumnPass(coefficients + column, quant + column, workspace + column);
            for (int row = 0; row < 8; row++)
                RowPass(workspace + row * 8, output + row * stride, rangeLimit);
        }
    }

    private static void ColumnPass(short* input, ushort* quant, int* workspace)
    {
        int z2 = input[16] * quant[16];
        int z3 = input[48] * quant[48];
        int z1 = (z2 + z3) * Fix0_541196100;
        int tmp2 = z1 + z3 * -Fix1_847759065;
        int tmp3 = z1 + z2 * Fix0_765366865;

        z2 = input[0] * quant[0];
        z3 = input[32] * quant[32];
        int tmp0 = (z2 + z3) << ConstBits;
        int tmp1 = (z2 - z3) << ConstBits;

        int tmp10 = tmp0 + tmp3;
        int tmp13 = tmp0 - tmp3;
        int tmp11 = tmp1 + tmp2;
        int tmp12 = tmp1 - tmp2;

        OddPart(input[56] * quant[56], input[40] * quant[40], input[24] * quant[24], input[8] * quant[8],
            out tmp0, out tmp1, out tmp2, out tmp3);

        const int shift = ConstBits - Pass1Bits;
        const int round = 1 << (shift - 1);
        workspace[0] = (tmp10 + tmp3 + round) >> shift;
        workspace[56] = (tmp10 - tmp3 + round) >> shift;
        workspace[8] = (tmp11 + tmp2 + round) >> shift;
        workspace[48] = (tmp11 - tmp2 + round) >> shift;
        workspace[16] = (tmp12 + tmp1 + round) >> shift;
        workspace[40] = (tmp12 - tmp1 + round) >> shift;
        workspace[24] = (tmp13 + tmp0 + round) >> shift;
        workspace[32] = (tmp13 - tmp0 + round) >> shift;
    }

    private static void RowPass(int* w, byte* output, byte* rangeLimit)
    {
        const int shift = ConstBits + Pass1Bits + 3;
        const int round = 1 << (shift - 1);
        int z2 = w[2];
        int z3 = w[6];
        int z1 = (z2 + z3) * Fix0_541196100;
        int tmp2 = z1 + z3 * -Fix1_847759065;
        int tmp3 = z1 + z2 * Fix0_765366865;

        int tmp0 = (w[0] + w[4]) << ConstBits;
        int tmp1 = (w[0] - w[4]) << ConstBits;

        int tmp10 = tmp0 + tmp3;
        int tmp13 = tmp0 - tmp3;
        int tmp11 = tmp1 + tmp2;
        int tmp12 = tmp1 - tmp2;

        OddPart(w[7], w[5], w[3], w[1], out tmp0, out tmp1, out tmp2, out tmp3);

        output[0] = rangeLimit[((tmp10 + tmp3 + round) >> shift) & 1023];
        output[7] = rangeLimit[((tmp10 - tmp3 + round) >> shift) & 1023];
        output[1] = rangeLimit[((tmp11 + tmp2 + round) >> shift) & 1023];
        output[6] = rangeLimit[((tmp11 - tmp2 + round) >> shift) & 1023];
        output[2] = rangeLimit[((tmp12 + tmp1 + round) >> shift) & 1023];
        output[5] = rangeLimit[((tmp12 - tmp1 + round) >> shift) & 1023];
        output[3] = rangeLimit[((tmp13 + tmp0 + round) >> shift) & 1023];
        output[4] = rangeLimit[((tmp13 - tmp0 + round) >> shift) & 1023];
    }

    /// <summary>The odd half of the 1-D transform, from inputs 7, 5, 3, 1; shared by both passes.</summary>
    private static void OddPart(int in7, int in5, int in3, int in1, out int tmp0, out int tmp1, out int tmp2, out int tmp3)
    {
        int z1 = in7 + in1;
        int z2 = in5 + in3;
        int z3 = in7 + in3;
        int z4 = in5 + in1;
        int z5 = (z3 + z4) * Fix1_175875602;

        tmp0 = in7 * Fix0_298631336;
        tmp1 = in5 * Fix2_053119869;
        tmp2 = in3 * Fix3_072711026;
        tmp3 = in1 * Fix1_501321110;
        z1 *= -Fix0_899976223;
        z2 *= -Fix2_562915447;
        z3 = z3 * -Fix1_961570560 + z5;
        z4 = z4 * -Fix0_390180644 + z5;

        tmp0 += z1 + z3;
        tmp1 += z2 + z4;
        tmp2 += z2 + z3;
        tmp3 += z1 + z4;
    }
}
