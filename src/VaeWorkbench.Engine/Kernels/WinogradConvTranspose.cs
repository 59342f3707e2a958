using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace VaeWorkbench.Engine.Kernels;

/// <summary>
/// The transposed convolution with kernel 4, stride 2 and padding 1 (the upsampling layer of DCGAN-style decoders,
/// and of the conv preset) by Winograd's minimal filtering. Output pixel (2i + a, 2j + b) only ever meets kernel taps
/// (3 − a − 2t, 3 − b − 2u), t, u ∈ {0, 1}, so each of the four phases (a, b) is an ordinary 2×2 correlation over the
/// input padded by one. Each phase runs as F(4×4, 2×2) (Lavin and Gray, 2016; interpolation points 0, 1, −1, 2, ∞):
/// a 5×5 input tile turns into 25 products of (tiles × InC)·(InC × OutC) that give 4×4 outputs, 25 multiplies where
/// the direct form needs 64. For the conv preset's 7×7 → 14×14 layer that is half the multiply-adds of x·W plus
/// col2im (1.6 against 3.2 MFLOP an image). The transforms are exact in binary except for G's thirds and sixths, so
/// results differ from the direct sum by rounding only (tested against the double-precision definition).
/// Channels last; InC and OutC must be multiples of 16 and the CPU must have AVX-512 (<see cref="Applies"/>).
/// </summary>
internal static class WinogradConvTranspose
{
    private const int Tile = 4;          // outputs per tile side
    private const int Side = Tile + 1;   // input values per tile side (2 taps)
    private const int Points = Side * Side;

    // G (5×2): the filter transform. Thirds and sixths: the only inexact constants.
    private static readonly float[,] G = { { 0.5f, 0f }, { -0.5f, -0.5f }, { -1f / 6, 1f / 6 }, { 1f / 6, 1f / 3 }, { 0f, 1f } };

    public static bool Applies(ConvGeometry g, int inChannels) =>
        g is { KernelH: 4, KernelW: 4, Stride: 2, Padding: 1 } && g.Channels % 16 == 0 && inChannels % 16 == 0
        && SgemmRowsInPlace.Supports(g.Channels);

    /// <summary>
    /// The weight (InC, 4, 4, OutC) turned into U:(4 phases, 25 points, InC, OutC), U = G·g·Gᵀ for each phase's 2×2
    /// filter g. Done once per forward call; it costs what a few images do.
    /// </summary>
    public static void TransformWeights(ReadOnlySpan<float> weight, int inChannels, int outChannels, Span<float> u)
    {
        if (u.Length < TransformedWeightSize(inChannels, outChannels)) throw new ArgumentException("the transformed weight buffer is too small");
        for (var phase = 0; phase < 4; phase++)
        {
            var (a, b) = (phase >> 1, phase & 1);
            for (var c = 0; c < inChannels; c++)
            {
                for (var o = 0; o < outChannels; o += 16)
                {
                    // g[t,u] = W[c, 3 − a − 2t, 3 − b − 2u, o..o+15]
                    var g00 = Load(weight, ((c * 4 + 3 - a) * 4 + 3 - b) * outChannels + o);
                    var g01 = Load(weight, ((c * 4 + 3 - a) * 4 + 1 - b) * outChannels + o);
                    var g10 = Load(weight, ((c * 4 + 1 - a) * 4 + 3 - b) * outChannels + o);
                    var g11 = Load(weight, ((c * 4 + 1 - a) * 4 + 1 - b) * outChannels + o);
                    for (var xi = 0; xi < Side; xi++)
                    {
                        // Row xi of G·g: two vectors (u = 0, 1).
                        var r0 = g00 * G[xi, 0] + g10 * G[xi, 1];
                        var r1 = g01 * G[xi, 0] + g11 * G[xi, 1];
                        for (var nu = 0; nu < Side; nu++)
                        {
                            var value = r0 * G[nu, 0] + r1 * G[nu, 1];
                            value.StoreUnsafe(ref MemoryMarshal.GetReference(u), (nuint)((((phase * Points + xi * Side + nu) * inChannels) + c) * outChannels + o));
                        }
                    }
                }
            }
        }
    }

    public static int TransformedWeightSize(int inChannels, int outChannels) => 4 * Points * inChannels * outChannels;

    /// <summary>
    /// Buffer sizes for <paramref name="images"/> images: the transformed input V and the products M of the two phases
    /// of one output row parity, which are computed together.
    /// </summary>
    public static (int V, int M) ScratchSizes(ConvGeometry g, int inChannels, int images)
    {
        var tiles = images * TilesPerImage(g);
        return (2 * Points * tiles * inChannels, 2 * Points * tiles * g.Channels);
    }

    // x:(S, GridH, GridW, InC), U from TransformWeights, bias:(OutC) -> y:(S, 2·GridH, 2·GridW, OutC)
    public static void Forward(ConvGeometry g, int inChannels, ReadOnlySpan<float> x, ReadOnlySpan<float> u, ReadOnlySpan<float> bias,
        Span<float> y, int images, Span<float> v, Span<float> m)
    {
        var shape = new Shape(g.GridH, g.GridW, inChannels, g.Channels); // ConvGeometry's grid sizes are divisions: once, not per pixel
        var outChannels = shape.OutChannels;
        var (tilesH, tilesW) = (Tiles(shape.GridH), Tiles(shape.GridW));
        var tiles = images * tilesH * tilesW;
        var (vSize, mSize) = ScratchSizes(g, inChannels, images);
        if (v.Length < vSize || m.Length < mSize) throw new ArgumentException("Winograd scratch buffers are too small");
        if (x.Length < images * g.Patches * inChannels || y.Length < images * g.ImageSize) throw new ArgumentException("Winograd operands are too small");
        // Bᵀ·d of a band of five input rows across every column a window of the band reads (−1 .. 4·tilesW).
        var bandColumns = Tile * tilesW + 2;
        Span<Vector512<float>> band = stackalloc Vector512<float>[Side * bandColumns];
        Span<Vector512<float>> window = stackalloc Vector512<float>[Points];
        var phaseV = Points * tiles * inChannels;
        var phaseM = Points * tiles * outChannels;
        for (var a = 0; a < 2; a++)
        {
            // V[b][point][tile][c] for both column phases b: each band of rows is transformed down its columns once
            // for the four windows (two phases × tile columns) that share it.
            for (var image = 0; image < images; image++)
                for (var ti = 0; ti < tilesH; ti++)
                    TransformInputBand(shape, x.Slice(image * shape.InputSize), Tile * ti + a - 1, (image * tilesH + ti) * tilesW, tilesW, tiles,
                        v[..phaseV], v.Slice(phaseV, phaseV), band);
            for (var b = 0; b < 2; b++)
            {
                var phase = 2 * a + b;
                var vb = v.Slice(b * phaseV, phaseV);
                var mb = m.Slice(b * phaseM, phaseM);
                // M[point] = V[point]·U[phase, point]: 25 thin products, summed over the input channels.
                for (var point = 0; point < Points; point++)
                {
                    SgemmRowsInPlace.Multiply(tiles, outChannels, inChannels,
                        vb.Slice(point * tiles * inChannels, tiles * inChannels), inChannels,
                        u.Slice((phase * Points + point) * inChannels * outChannels, inChannels * outChannels), outChannels,
                        mb.Slice(point * tiles * outChannels, tiles * outChannels), outChannels);
                }
                for (int image = 0, tile = 0; image < images; image++)
                    for (var ti = 0; ti < tilesH; ti++)
                        for (var tj = 0; tj < tilesW; tj++, tile++)
                            TransformOutput(shape, mb, tile, tiles, bias, y.Slice(image * shape.OutputSize), Tile * ti, Tile * tj, a, b, window);
            }
        }
    }

    /// <summary>Tiles of one phase of one image: the rows each image adds to the 25 products.</summary>
    public static int TilesPerImage(ConvGeometry g) => Tiles(g.GridH) * Tiles(g.GridW);

    private static int Tiles(int size) => (size + Tile - 1) / Tile;

    // Input rows row0 .. row0 + 4 (outside the image: 0) -> V = Bᵀ·d·B of every window on them: column phase b and tile
    // column tj read columns 4·tj + b − 1 .. 4·tj + b + 3. One vector of channels at a time; `band` holds Bᵀ·d.
    private static void TransformInputBand(Shape g, ReadOnlySpan<float> image, int row0, int firstTile, int tilesW, int tiles,
        Span<float> v0Phase, Span<float> v1Phase, Span<Vector512<float>> band)
    {
        ref var src = ref MemoryMarshal.GetReference(image);
        var inChannels = g.InChannels;
        var columns = band.Length / Side;
        var pointStride = (nuint)(tiles * inChannels);
        for (var c = 0; c < inChannels; c += 16)
        {
            for (var k = 0; k < columns; k++)
            {
                var col = k - 1;
                if ((uint)col >= (uint)g.GridW)
                {
                    for (var s = 0; s < Side; s++) band[s * columns + k] = default;
                    continue;
                }
                InputTransform(Pixel(ref src, g, row0, col, c, inChannels), Pixel(ref src, g, row0 + 1, col, c, inChannels),
                    Pixel(ref src, g, row0 + 2, col, c, inChannels), Pixel(ref src, g, row0 + 3, col, c, inChannels),
                    Pixel(ref src, g, row0 + 4, col, c, inChannels),
                    out band[k], out band[columns + k], out band[2 * columns + k], out band[3 * columns + k], out band[4 * columns + k]);
            }
            for (var b = 0; b < 2; b++)
            {
                ref var phase = ref MemoryMarshal.GetReference(b == 0 ? v0Phase : v1Phase);
                for (var tj = 0; tj < tilesW; tj++)
                {
                    ref var at = ref Unsafe.Add(ref phase, (nuint)((firstTile + tj) * inChannels + c));
                    var k0 = Tile * tj + b; // band column of the window's first input column
                    for (var s = 0; s < Side; s++)
                    {
                        ref var row = ref band[s * columns + k0];
                        InputTransform(row, Unsafe.Add(ref row, 1), Unsafe.Add(ref row, 2), Unsafe.Add(ref row, 3), Unsafe.Add(ref row, 4),
                            out var t0, out var t1, out var t2, out var t3, out var t4);
                        var offset = (nuint)(s * Side) * pointStride;
                        t0.StoreUnsafe(ref at, offset);
                        t1.StoreUnsafe(ref at, offset + pointStride);
                        t2.StoreUnsafe(ref at, offset + 2 * pointStride);
                        t3.StoreUnsafe(ref at, offset + 3 * pointStride);
                        t4.StoreUnsafe(ref at, offset + 4 * pointStride);
                    }
                }
            }
        }
    }

    // 16 channels of input pixel (row, col); the padding around the image reads as 0
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Pixel(ref float image, Shape g, int row, int col, int c, int inChannels) =>
        (uint)row < (uint)g.GridH && (uint)col < (uint)g.GridW ? Vector512.LoadUnsafe(ref image, (nuint)((row * g.GridW + col) * inChannels + c)) : default;

    // Bᵀ for points 0, 1, −1, 2, ∞.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void InputTransform(Vector512<float> d0, Vector512<float> d1, Vector512<float> d2, Vector512<float> d3, Vector512<float> d4,
        out Vector512<float> v0, out Vector512<float> v1, out Vector512<float> v2, out Vector512<float> v3, out Vector512<float> v4)
    {
        v0 = (d0 - d2) * 2f - d1 + d3;
        v1 = d3 - d2 - d1 * 2f;
        v2 = d1 * 2f - d2 * 3f + d3;
        v3 = d3 - d1;
        v4 = (d1 - d3) * 2f - d2 + d4;
    }

    // M's 5×5 points of one tile -> Y = Aᵀ·M·A (4×4) + bias, written to output pixels (2(i0 + k) + a, 2(j0 + l) + b);
    // `t` holds Aᵀ·M between the two stages.
    private static void TransformOutput(Shape g, Span<float> m, int tile, int tiles, ReadOnlySpan<float> bias, Span<float> image,
        int i0, int j0, int a, int b, Span<Vector512<float>> t)
    {
        var outChannels = g.OutChannels;
        ref var dst = ref MemoryMarshal.GetReference(image);
        var pointStride = (nuint)(tiles * outChannels);
        var rows = Math.Min(Tile, g.GridH - i0);
        var cols = Math.Min(Tile, g.GridW - j0);
        for (var o = 0; o < outChannels; o += 16)
        {
            ref var at = ref Unsafe.Add(ref MemoryMarshal.GetReference(m), (nuint)(tile * outChannels + o));
            for (var q = 0; q < Side; q++)
            {
                var column = (nuint)q * pointStride;
                OutputTransform(Vector512.LoadUnsafe(ref at, column), Vector512.LoadUnsafe(ref at, column + Side * pointStride),
                    Vector512.LoadUnsafe(ref at, column + 2 * Side * pointStride), Vector512.LoadUnsafe(ref at, column + 3 * Side * pointStride),
                    Vector512.LoadUnsafe(ref at, column + 4 * Side * pointStride), out t[q], out t[Side + q], out t[2 * Side + q], out t[3 * Side + q]);
            }
            var biasVector = Vector512.LoadUnsafe(ref MemoryMarshal.GetReference(bias), (nuint)o);
            for (var k = 0; k < rows; k++)
            {
                OutputTransform(t[k * Side], t[k * Side + 1], t[k * Side + 2], t[k * Side + 3], t[k * Side + 4],
                    out var y0, out var y1, out var y2, out var y3);
                ref var pixel = ref Unsafe.Add(ref dst, (nuint)(((2 * (i0 + k) + a) * 2 * g.GridW + 2 * j0 + b) * outChannels + o));
                var step = (nuint)(2 * outChannels); // the next output column of this phase
                (y0 + biasVector).StoreUnsafe(ref pixel);
                if (cols > 1) (y1 + biasVector).StoreUnsafe(ref pixel, step);
                if (cols > 2) (y2 + biasVector).StoreUnsafe(ref pixel, 2 * step);
                if (cols > 3) (y3 + biasVector).StoreUnsafe(ref pixel, 3 * step);
            }
        }
    }

    // Aᵀ for points 0, 1, −1, 2, ∞: five values -> four.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void OutputTransform(Vector512<float> m0, Vector512<float> m1, Vector512<float> m2, Vector512<float> m3, Vector512<float> m4,
        out Vector512<float> y0, out Vector512<float> y1, out Vector512<float> y2, out Vector512<float> y3)
    {
        var sum = m1 + m2;
        var difference = m1 - m2;
        y0 = m0 + sum + m3;
        y1 = difference + m3 * 2f;
        y2 = sum + m3 * 4f;
        y3 = difference + m3 * 8f + m4;
    }

    // The input grid and the channels, as plain fields.
    private readonly record struct Shape(int GridH, int GridW, int InChannels, int OutChannels)
    {
        public int InputSize => GridH * GridW * InChannels;
        public int OutputSize => 4 * GridH * GridW * OutChannels;
    }

    private static Vector512<float> Load(ReadOnlySpan<float> values, int at) =>
        Vector512.LoadUnsafe(ref MemoryMarshal.GetReference(values), (nuint)at);
}
