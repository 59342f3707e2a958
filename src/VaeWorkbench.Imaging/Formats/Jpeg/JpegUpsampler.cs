using System.Runtime.Intrinsics;

namespace VaeWorkbench.Imaging.Formats.Jpeg;

/// <summary>
/// Brings one subsampled component up to full resolution, one output row at a time, exactly as libjpeg-turbo's
/// jdsample.c does with do_fancy_upsampling (djpeg's default): a triangle filter for 2:1 horizontal and/or vertical
/// ratios, and plain replication for other integer ratios. Rows above the first and below the last repeat the edge
/// row, as libjpeg's context-row pointers do.
/// </summary>
internal sealed unsafe class JpegUpsampler
{
    /// <summary>Output rows must have this many spare bytes: the vector loops write whole vectors past the end.</summary>
    public const int Padding = 32;

    private enum Method { FullSize, H2V1Fancy, H1V2Fancy, H2V2Fancy, Replicate }

    private readonly byte[] _plane;
    private readonly int _stride;
    private readonly int _width;     // valid samples per row of the component (downsampled_width)
    private readonly int _height;    // valid rows of the component (downsampled_height)
    private readonly int _hRatio;
    private readonly int _vRatio;
    private readonly Method _method;

    /// <summary>Per-column input to the horizontal filter at [1..width], with the edge columns repeated at 0 and width+1.</summary>
    private readonly ushort[] _sums;

    public JpegUpsampler(byte[] plane, int stride, int width, int height, int hRatio, int vRatio)
    {
        _plane = plane;
        _stride = stride;
        _width = width;
        _height = height;
        _hRatio = hRatio;
        _vRatio = vRatio;
        _method = (hRatio, vRatio) switch
        {
            (1, 1) => Method.FullSize,
            (2, 1) when width > 2 => Method.H2V1Fancy,
            (1, 2) => Method.H1V2Fancy,
            (2, 2) when width > 2 => Method.H2V2Fancy,
            _ => Method.Replicate,
        };
        _sums = new ushort[width + 2 + Padding];
    }

    /// <summary>Length an output row buffer needs.</summary>
    public int OutputLength => _width * _hRatio + Padding;

    /// <summary>Full-resolution samples of output row <paramref name="y"/> (at least the image width of them);
    /// <paramref name="output"/> must hold <see cref="OutputLength"/>. May return a view of the plane itself.</summary>
    public ReadOnlySpan<byte> Row(int y, byte[] output)
    {
        switch (_method)
        {
            case Method.FullSize:
                return _plane.AsSpan(y * _stride, _width);
            case Method.H2V1Fancy:
                var row = _plane.AsSpan(y * _stride, _width);
                for (int x = 0; x < row.Length; x++) _sums[x + 1] = row[x];
                // (3 * near + far + bias) >> 2: libjpeg's h2v1_fancy_upsample, biases 1 (left output) and 2 (right).
                Horizontal(1, 2, 2, output);
                break;
            case Method.H1V2Fancy:
                VerticalSums(y);
                // libjpeg-turbo's h1v2_fancy_upsample: bias 1 for the upper output row of each pair, 2 for the lower.
                int bias = (y & 1) == 0 ? 1 : 2;
                for (int x = 0; x < _width; x++) output[x] = (byte)((_sums[x + 1] + bias) >> 2);
                break;
            case Method.H2V2Fancy:
                VerticalSums(y);
                // h2v2_fancy_upsample: column sums are 4x a sample; biases 8 (left) and 7 (right), shift 4.
                Horizontal(8, 7, 4, output);
                break;
            default:
                Replicate(y, output);
                break;
        }

        return output;
    }

    /// <summary>3 × the nearer input row plus the other neighbouring row, per column, into _sums[1..width].</summary>
    private void VerticalSums(int y)
    {
        int inputRow = y / 2;
        int neighbour = (y & 1) == 0 ? Math.Max(inputRow - 1, 0) : Math.Min(inputRow + 1, _height - 1);
        fixed (byte* plane = _plane)
        fixed (ushort* sums = _sums)
            ColumnSums(plane + (long)inputRow * _stride, plane + (long)neighbour * _stride, sums + 1, _width, Vector128.IsHardwareAccelerated);
    }

    /// <summary>sums[x] = 3 near[x] + far[x]. The vector loop loads 8 samples at a time and never past
    /// <paramref name="width"/>; the scalar loop finishes the tail (or does everything without vectors).</summary>
    internal static void ColumnSums(byte* near, byte* far, ushort* sums, int width, bool useVectors)
    {
        int x = 0;
        if (useVectors)
        {
            for (; x + 8 <= width; x += 8)
            {
                var n = Vector128.WidenLower(Vector128.CreateScalar(*(ulong*)(near + x)).AsByte());
                var f = Vector128.WidenLower(Vector128.CreateScalar(*(ulong*)(far + x)).AsByte());
                (n * 3 + f).Store(sums + x);
            }
        }

        for (; x < width; x++) sums[x] = (ushort)(near[x] * 3 + far[x]);
    }

    private void Horizontal(int evenBias, int oddBias, int shift, byte[] output)
    {
        _sums[0] = _sums[1];
        _sums[_width + 1] = _sums[_width];
        fixed (ushort* s = _sums)
        fixed (byte* o = output)
            TriangleFilter(s, _width, o, evenBias, oddBias, shift, Vector128.IsHardwareAccelerated);
    }

    /// <summary>
    /// The horizontal triangle filter over sums[1..width] (with the edge columns repeated at 0 and width+1, which
    /// reproduces libjpeg's special-cased ends): output 2x = (3 s[x] + s[x-1] + evenBias) >> shift and
    /// output 2x+1 = (3 s[x] + s[x+1] + oddBias) >> shift. The vector loop reads up to 7 sums and writes up to
    /// 14 bytes past the row, so both buffers need <see cref="Padding"/>.
    /// </summary>
    internal static void TriangleFilter(ushort* sums, int width, byte* output, int evenBias, int oddBias, int shift, bool useVectors)
    {
        if (useVectors)
        {
            var even = Vector128.Create((ushort)evenBias);
            var odd = Vector128.Create((ushort)oddBias);
            for (int x = 0; x < width; x += 8)
            {
                var left = Vector128.Load(sums + x);
                var centre = Vector128.Load(sums + x + 1) * 3;
                var right = Vector128.Load(sums + x + 2);
                var first = Vector128.ShiftRightLogical(centre + left + even, shift);
                var second = Vector128.ShiftRightLogical(centre + right + odd, shift);
                // Little-endian: each 16-bit lane stores its even output byte, then its odd one.
                (first | Vector128.ShiftLeft(second, 8)).Store((ushort*)(output + 2 * x));
            }

            return;
        }

        for (int x = 0; x < width; x++)
        {
            int centre = sums[x + 1] * 3;
            output[2 * x] = (byte)((centre + sums[x] + evenBias) >> shift);
            output[2 * x + 1] = (byte)((centre + sums[x + 2] + oddBias) >> shift);
        }
    }

    private void Replicate(int y, byte[] output)
    {
        var input = _plane.AsSpan(Math.Min(y / _vRatio, _height - 1) * _stride, _width);
        for (int x = 0; x < input.Length; x++)
            output.AsSpan(x * _hRatio, _hRatio).Fill(input[x]);
    }
}
