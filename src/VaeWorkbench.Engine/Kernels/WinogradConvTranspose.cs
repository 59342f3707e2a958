using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace VaeWorkbench.Engine.Kernels;

/// <summary>
/// The transposed convolution with kernel 4, stride 2 and padding 1 (the upsampling layer of DCGAN-style decoders,
/// and of the conv preset) by Winograd's minimal filtering. Output pixel (2i + a, 2j + b) only ever meets kernel taps
/// (3 − a − 2t, 3 − b − 2u), t, u ∈ {0, 1}, so each of the four phases (a, b) is an ordinary 2×2 correlation over the
/// input padded by one. Each phase runs as F(m×m, 2×2) (Lavin and Gray, 2016): an (m + 1)² input tile turns into
/// (m + 1)² products of (tiles × InC)·(InC × OutC) that give m×m outputs, where the direct form needs 4·m² multiplies.
/// <see cref="Create"/> picks the tile (<see cref="WinogradTile4"/> or <see cref="WinogradTile7"/>) that needs fewer
/// products for the grid: for the conv preset's 7×7 → 14×14 layer one 7-tile per phase, 64 products against 100 with
/// four 4-tiles and 196 direct (1.0 against 1.6 and 3.2 MFLOP an image). Results differ from the direct sum by
/// rounding only (tested against the double-precision definition). Channels last; InC and OutC must be multiples of
/// 16 and the CPU must have AVX-512 (<see cref="Applies"/>).
/// </summary>
internal abstract class WinogradConvTranspose
{
    public static bool Applies(ConvGeometry g, int inChannels) =>
        g is { KernelH: 4, KernelW: 4, Stride: 2, Padding: 1 } && g.Channels % 16 == 0 && inChannels % 16 == 0
        && SgemmRowsInPlace.Supports(g.Channels);

    public static WinogradConvTranspose Create(ConvGeometry g, int inChannels)
    {
        if (!Applies(g, inChannels)) throw new ArgumentException("Winograd needs kernel 4, stride 2, padding 1, channels in sixteens and AVX-512");
        var shape = new WinogradShape(g.GridH, g.GridW, inChannels, g.Channels);
        return Products(shape, WinogradTile7.Outputs) < Products(shape, WinogradTile4.Outputs)
            ? new WinogradConvTranspose<WinogradTile7>(shape)
            : new WinogradConvTranspose<WinogradTile4>(shape);
    }

    /// <summary>Products per phase, input channel and output channel of one image with tiles of m×m outputs.</summary>
    public static int Products(WinogradShape shape, int m) => Tiles(shape.GridH, m) * Tiles(shape.GridW, m) * (m + 1) * (m + 1);

    protected static int Tiles(int size, int m) => (size + m - 1) / m;

    /// <summary>m: outputs per tile side.</summary>
    public abstract int TileOutputs { get; }

    /// <summary>Tiles of one phase of one image: the rows each image adds to the products.</summary>
    public abstract int TilesPerImage { get; }

    /// <summary>Floats of scratch for <paramref name="images"/> images: transformed input, products and a row band.</summary>
    public abstract int ScratchSize(int images);

    /// <summary>The weight (InC, 4, 4, OutC) turned into U:(4 phases, points, InC, OutC), U = G·g·Gᵀ for each phase's 2×2 filter g.</summary>
    public abstract void TransformWeights(ReadOnlySpan<float> weight);

    // x:(S, GridH, GridW, InC), bias:(OutC) -> y:(S, 2·GridH, 2·GridW, OutC), with the weights of the last TransformWeights;
    // `relu` applies max(y, 0) as the values are written, instead of in another pass over y.
    public abstract void Forward(ReadOnlySpan<float> x, ReadOnlySpan<float> bias, Span<float> y, int images, Span<float> scratch, bool relu);
}

/// <summary>The input grid and the channels of one transposed layer, as plain fields.</summary>
internal readonly record struct WinogradShape(int GridH, int GridW, int InChannels, int OutChannels)
{
    public int InputSize => GridH * GridW * InChannels;
    public int OutputSize => 4 * GridH * GridW * OutChannels;
}

[SkipLocalsInit] // the transforms' stack buffers are written before they are read
internal sealed class WinogradConvTranspose<TTile>(WinogradShape shape) : WinogradConvTranspose where TTile : struct, IWinogradTile
{
    private const int Lanes = 16;
    private static int Side => TTile.Outputs + 1;
    private static int Points => Side * Side;

    private readonly int _tilesH = Tiles(shape.GridH, TTile.Outputs);
    private readonly int _tilesW = Tiles(shape.GridW, TTile.Outputs);
    private readonly Memory<float> _u = AlignedBuffer.Allocate(4 * Points * shape.InChannels * shape.OutChannels); // 64-byte aligned: the products' B rows

    public override int TileOutputs => TTile.Outputs;
    public override int TilesPerImage => _tilesH * _tilesW;
    private int BandColumns => TTile.Outputs * _tilesW + 2; // input columns −1 .. m·tilesW

    public override int ScratchSize(int images)
    {
        var tiles = images * TilesPerImage;
        return 2 * Points * PointStride(tiles, shape.InChannels) + Points * PointStride(tiles, shape.OutChannels) + Side * BandColumns * Lanes;
    }

    // One point's rows in V or M, plus a vector: with slices of whole groups of eight images the rows alone are often
    // a multiple of 4 KB, and a transform's (m + 1)² loads or stores that far apart all fall into one L1 set
    // (perf: the input transform took as long as the products).
    private static int PointStride(int tiles, int channels) => tiles * channels + Lanes;

    public override void TransformWeights(ReadOnlySpan<float> weight)
    {
        var (inChannels, outChannels) = (shape.InChannels, shape.OutChannels);
        if (weight.Length < 16 * inChannels * outChannels) throw new ArgumentException("the weight is too small");
        var filter = TTile.FilterTransform;
        ref var u = ref MemoryMarshal.GetReference(_u.Span);
        for (var phase = 0; phase < 4; phase++)
        {
            var (a, b) = (phase >> 1, phase & 1);
            for (var c = 0; c < inChannels; c++)
            {
                for (var o = 0; o < outChannels; o += Lanes)
                {
                    // g[t,u] = W[c, 3 − a − 2t, 3 − b − 2u, o..o+15]
                    var g00 = Load(weight, ((c * 4 + 3 - a) * 4 + 3 - b) * outChannels + o);
                    var g01 = Load(weight, ((c * 4 + 3 - a) * 4 + 1 - b) * outChannels + o);
                    var g10 = Load(weight, ((c * 4 + 1 - a) * 4 + 3 - b) * outChannels + o);
                    var g11 = Load(weight, ((c * 4 + 1 - a) * 4 + 1 - b) * outChannels + o);
                    for (var xi = 0; xi < Side; xi++)
                    {
                        // Row xi of G·g: two vectors (u = 0, 1).
                        var r0 = g00 * filter[2 * xi] + g10 * filter[2 * xi + 1];
                        var r1 = g01 * filter[2 * xi] + g11 * filter[2 * xi + 1];
                        for (var nu = 0; nu < Side; nu++)
                        {
                            var value = r0 * filter[2 * nu] + r1 * filter[2 * nu + 1];
                            value.StoreUnsafe(ref u, (nuint)((((phase * Points + xi * Side + nu) * inChannels) + c) * outChannels + o));
                        }
                    }
                }
            }
        }
    }

    public override void Forward(ReadOnlySpan<float> x, ReadOnlySpan<float> bias, Span<float> y, int images, Span<float> scratch, bool relu)
    {
        var (inChannels, outChannels) = (shape.InChannels, shape.OutChannels);
        var tiles = images * TilesPerImage;
        var (vStride, mStride) = (PointStride(tiles, inChannels), PointStride(tiles, outChannels));
        var phaseV = Points * vStride;
        var phaseM = Points * mStride;
        if (scratch.Length < ScratchSize(images)) throw new ArgumentException("Winograd scratch is too small");
        if (x.Length < images * shape.InputSize || y.Length < images * shape.OutputSize || bias.Length < outChannels)
            throw new ArgumentException("Winograd operands are too small");
        var v = scratch[..(2 * phaseV)];
        var m = scratch.Slice(2 * phaseV, phaseM);
        var u = _u.Span;
        var band = scratch.Slice(2 * phaseV + phaseM, Side * BandColumns * Lanes);
        for (var a = 0; a < 2; a++)
        {
            // V[b][point][tile][c] for both column phases b: each band of rows is transformed down its columns once
            // for every window (two phases × tile columns) that shares it.
            for (var image = 0; image < images; image++)
                for (var ti = 0; ti < _tilesH; ti++)
                    TransformInputBand(x.Slice(image * shape.InputSize), TTile.Outputs * ti + a - 1, (image * _tilesH + ti) * _tilesW, tiles, v, band);
            for (var b = 0; b < 2; b++)
            {
                var phase = 2 * a + b;
                var vb = v.Slice(b * phaseV, phaseV);
                // M[point] = V[point]·U[phase, point]: thin products, summed over the input channels.
                for (var point = 0; point < Points; point++)
                {
                    SgemmRowsInPlace.Multiply(tiles, outChannels, inChannels,
                        vb.Slice(point * vStride, tiles * inChannels), inChannels,
                        u.Slice((phase * Points + point) * inChannels * outChannels, inChannels * outChannels), outChannels,
                        m.Slice(point * mStride, tiles * outChannels), outChannels);
                }
                for (int image = 0, tile = 0; image < images; image++)
                    for (var ti = 0; ti < _tilesH; ti++)
                        for (var tj = 0; tj < _tilesW; tj++, tile++)
                            TransformOutput(m, tile, tiles, bias, y.Slice(image * shape.OutputSize), TTile.Outputs * ti, TTile.Outputs * tj, a, b, relu);
            }
        }
    }

    // Input rows row0 .. row0 + m (outside the image: 0) -> V = Bᵀ·d·B of every window on them: column phase b and tile
    // column tj read columns m·tj + b − 1 .. m·tj + b + m−1. One vector of channels at a time; `band` holds Bᵀ·d.
    private void TransformInputBand(ReadOnlySpan<float> image, int row0, int firstTile, int tiles, Span<float> v, Span<float> band)
    {
        var inChannels = shape.InChannels;
        var columns = BandColumns;
        var pointStride = (nuint)PointStride(tiles, inChannels);
        var phaseV = (nuint)Points * pointStride;
        var rowStride = (nuint)(shape.GridW * inChannels);
        var rowsInside = row0 >= 0 && row0 + Side <= shape.GridH;
        Span<float> column = stackalloc float[Side * Lanes];
        ref var src = ref MemoryMarshal.GetReference(image);
        ref var bandAt = ref MemoryMarshal.GetReference(band);
        ref var vAt = ref MemoryMarshal.GetReference(v);
        var bandRow = (nuint)(columns * Lanes);
        for (var c = 0; c < inChannels; c += Lanes)
        {
            for (var k = 0; k < columns; k++)
            {
                ref var target = ref Unsafe.Add(ref bandAt, k * Lanes);
                var col = k - 1;
                if ((uint)col >= (uint)shape.GridW)
                {
                    for (var s = 0; s < Side; s++) Vector512<float>.Zero.StoreUnsafe(ref target, (nuint)s * bandRow);
                }
                else if (rowsInside)
                {
                    TTile.TransformInput(ref Unsafe.Add(ref src, (row0 * shape.GridW + col) * inChannels + c), rowStride, ref target, bandRow);
                }
                else
                {
                    // An edge band: gather its column with the padding rows as zeros.
                    for (var s = 0; s < Side; s++)
                    {
                        var row = row0 + s;
                        var value = (uint)row < (uint)shape.GridH ? Vector512.LoadUnsafe(ref src, (nuint)((row * shape.GridW + col) * inChannels + c)) : default;
                        value.StoreUnsafe(ref MemoryMarshal.GetReference(column), (nuint)(s * Lanes));
                    }
                    TTile.TransformInput(ref MemoryMarshal.GetReference(column), Lanes, ref target, bandRow);
                }
            }
            for (var b = 0; b < 2; b++)
            {
                for (var tj = 0; tj < _tilesW; tj++)
                {
                    ref var at = ref Unsafe.Add(ref vAt, (nuint)b * phaseV + (nuint)((firstTile + tj) * inChannels + c));
                    var k0 = TTile.Outputs * tj + b; // band column of the window's first input column
                    for (var s = 0; s < Side; s++)
                        TTile.TransformInput(ref Unsafe.Add(ref bandAt, (nuint)s * bandRow + (nuint)(k0 * Lanes)), Lanes, ref Unsafe.Add(ref at, (nuint)(s * Side) * pointStride), pointStride);
                }
            }
        }
    }

    // M's (m + 1)² points of one tile -> Y = Aᵀ·M·A (m×m) + bias, written to output pixels (2(i0 + k) + a, 2(j0 + l) + b);
    // `t` holds Aᵀ·M between the two stages.
    private void TransformOutput(Span<float> m, int tile, int tiles, ReadOnlySpan<float> bias, Span<float> image, int i0, int j0, int a, int b, bool relu)
    {
        var outChannels = shape.OutChannels;
        Span<float> t = stackalloc float[Points * Lanes];
        Span<float> outputs = stackalloc float[TTile.Outputs * Lanes];
        ref var tAt = ref MemoryMarshal.GetReference(t);
        ref var outputAt = ref MemoryMarshal.GetReference(outputs);
        ref var dst = ref MemoryMarshal.GetReference(image);
        var pointStride = (nuint)PointStride(tiles, outChannels);
        var rows = Math.Min(TTile.Outputs, shape.GridH - i0);
        var cols = Math.Min(TTile.Outputs, shape.GridW - j0);
        var step = (nuint)(2 * outChannels); // the next output column of this phase
        for (var o = 0; o < outChannels; o += Lanes)
        {
            ref var at = ref Unsafe.Add(ref MemoryMarshal.GetReference(m), (nuint)(tile * outChannels + o));
            for (var q = 0; q < Side; q++)
                TTile.TransformOutput(ref Unsafe.Add(ref at, (nuint)q * pointStride), (nuint)Side * pointStride, ref Unsafe.Add(ref tAt, q * Lanes), (nuint)(Side * Lanes));
            var biasVector = Load(bias, o);
            for (var k = 0; k < rows; k++)
            {
                TTile.TransformOutput(ref Unsafe.Add(ref tAt, k * Side * Lanes), Lanes, ref outputAt, Lanes);
                ref var pixel = ref Unsafe.Add(ref dst, (nuint)(((2 * (i0 + k) + a) * 2 * shape.GridW + 2 * j0 + b) * outChannels + o));
                for (var l = 0; l < cols; l++)
                {
                    var value = Vector512.LoadUnsafe(ref outputAt, (nuint)(l * Lanes)) + biasVector;
                    if (relu) value = default(ReluKernel).Apply(value, value);
                    value.StoreUnsafe(ref pixel, (nuint)l * step);
                }
            }
        }
    }

    private static Vector512<float> Load(ReadOnlySpan<float> values, int at) =>
        Vector512.LoadUnsafe(ref MemoryMarshal.GetReference(values), (nuint)at);
}
