namespace VaeWorkbench.Imaging.Formats.Jpeg;

/// <summary>
/// Brings one subsampled component up to full resolution, one output row at a time, exactly as libjpeg-turbo's
/// jdsample.c does with do_fancy_upsampling (djpeg's default): a triangle filter for 2:1 horizontal and/or vertical
/// ratios, and plain replication for other integer ratios. Rows above the first and below the last repeat the edge
/// row, as libjpeg's context-row pointers do.
/// </summary>
internal sealed class JpegUpsampler
{
    private enum Method { FullSize, H2V1Fancy, H1V2Fancy, H2V2Fancy, Replicate }

    private readonly byte[] _plane;
    private readonly int _stride;
    private readonly int _width;     // valid samples per row of the component (downsampled_width)
    private readonly int _height;    // valid rows of the component (downsampled_height)
    private readonly int _hRatio;
    private readonly int _vRatio;
    private readonly Method _method;
    private readonly int[] _columnSums;

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
        _columnSums = new int[width];
    }

    /// <summary>Full-resolution samples of output row <paramref name="y"/>; <paramref name="output"/> must hold the
    /// component's width times its horizontal ratio. Returns the row (possibly a view of the plane itself).</summary>
    public ReadOnlySpan<byte> Row(int y, Span<byte> output)
    {
        switch (_method)
        {
            case Method.FullSize:
                return _plane.AsSpan(y * _stride, _width);
            case Method.H2V1Fancy:
                H2V1(_plane.AsSpan(y * _stride, _width), output);
                return output;
            case Method.H1V2Fancy:
                VerticalSums(y);
                // Bias 1 for the upper output row of each pair and 2 for the lower, as libjpeg-turbo does.
                int bias = (y & 1) == 0 ? 1 : 2;
                for (int x = 0; x < _width; x++) output[x] = (byte)((_columnSums[x] + bias) >> 2);
                return output;
            case Method.H2V2Fancy:
                VerticalSums(y);
                H2V2Horizontal(output);
                return output;
            default:
                Replicate(y, output);
                return output;
        }
    }

    /// <summary>3/4 of the nearer input row plus 1/4 of the other neighbour, per column (times 4).</summary>
    private void VerticalSums(int y)
    {
        int inputRow = y / 2;
        int neighbour = (y & 1) == 0 ? Math.Max(inputRow - 1, 0) : Math.Min(inputRow + 1, _height - 1);
        var near = _plane.AsSpan(inputRow * _stride, _width);
        var far = _plane.AsSpan(neighbour * _stride, _width);
        var sums = _columnSums.AsSpan();
        for (int x = 0; x < sums.Length; x++) sums[x] = near[x] * 3 + far[x];
    }

    private static void H2V1(ReadOnlySpan<byte> input, Span<byte> output)
    {
        int last = input.Length - 1;
        output[0] = input[0];
        output[1] = (byte)((input[0] * 3 + input[1] + 2) >> 2);
        for (int x = 1; x < last; x++)
        {
            int centre = input[x] * 3;
            output[2 * x] = (byte)((centre + input[x - 1] + 1) >> 2);
            output[2 * x + 1] = (byte)((centre + input[x + 1] + 2) >> 2);
        }

        output[2 * last] = (byte)((input[last] * 3 + input[last - 1] + 1) >> 2);
        output[2 * last + 1] = input[last];
    }

    private void H2V2Horizontal(Span<byte> output)
    {
        ReadOnlySpan<int> sums = _columnSums;
        int last = sums.Length - 1;
        output[0] = (byte)((sums[0] * 4 + 8) >> 4);
        output[1] = (byte)((sums[0] * 3 + sums[1] + 7) >> 4);
        for (int x = 1; x < last; x++)
        {
            int centre = sums[x] * 3;
            output[2 * x] = (byte)((centre + sums[x - 1] + 8) >> 4);
            output[2 * x + 1] = (byte)((centre + sums[x + 1] + 7) >> 4);
        }

        output[2 * last] = (byte)((sums[last] * 3 + sums[last - 1] + 8) >> 4);
        output[2 * last + 1] = (byte)((sums[last] * 4 + 7) >> 4);
    }

    private void Replicate(int y, Span<byte> output)
    {
        var input = _plane.AsSpan(Math.Min(y / _vRatio, _height - 1) * _stride, _width);
        for (int x = 0; x < input.Length; x++)
            output.Slice(x * _hRatio, _hRatio).Fill(input[x]);
    }
}
