using VaeWorkbench.Engine.Kernels;
using VaeWorkbench.Engine.Layers;

namespace VaeWorkbench.Engine.Tests.Layers;

/// <summary>
/// ConvTranspose2d.Forward against the direct definition (every input pixel scatters its kernel-weighted values into
/// the output), on each of its paths: GEMM and col2im over slices of the batch; for kernel 4, stride 2, padding 1 with
/// input channels in sixteens, Winograd F(4×4, 2×2) or F(7×7, 2×2) (output channels in sixteens) or direct dot products
/// per phase (at most four output channels). Threads take whole slices or images, so the bits must not depend on them.
/// </summary>
public class ConvTransposeForwardTests
{
    [Theory]
    [InlineData(64, 32, 4, 2, 1, 7, 7, 12)] // the conv preset's first transposed layer (Winograd, one 7-tile): several slices, the last one partial
    [InlineData(16, 16, 4, 2, 1, 5, 6, 25)] // Winograd 7-tiles: partial both ways, non-square
    [InlineData(32, 32, 4, 2, 1, 14, 14, 9)] // Winograd 7-tiles: 2×2 whole tiles, every row band inside the image
    [InlineData(16, 16, 4, 2, 1, 13, 13, 4)] // Winograd 7-tiles: one whole and one partial tile per side
    [InlineData(16, 48, 4, 2, 1, 8, 8, 3)]  // Winograd 4-tiles: whole tiles; 48 output channels = a 32-wide and a 16-wide panel
    [InlineData(16, 16, 4, 2, 1, 10, 6, 5)] // Winograd 4-tiles: partial both ways
    [InlineData(32, 16, 4, 2, 1, 1, 1, 2)]  // Winograd 4-tiles: a 1×1 input, all but one tap position in the padding
    [InlineData(32, 1, 4, 2, 1, 14, 14, 3)] // its last layer (one output channel: direct dot products per phase)
    [InlineData(16, 3, 4, 2, 1, 5, 7, 4)]   // direct dot products: three output channels (RGB), non-square
    [InlineData(48, 2, 4, 2, 1, 1, 1, 9)]   // direct dot products: a 1×1 input, three channel vectors
    [InlineData(8, 1, 4, 2, 1, 6, 6, 2)]    // kernel 4, stride 2, but 8 input channels: x·W and col2im
    [InlineData(3, 2, 3, 1, 1, 4, 5, 1)]    // stride 1, a batch of one
    [InlineData(2, 3, 3, 2, 0, 2, 3, 40)]   // no padding, many small images in one slice
    public void Forward_equals_the_direct_scatter_and_does_not_depend_on_threads(int inC, int outC, int kernel, int stride, int padding, int h, int w, int batch)
    {
        var layer = new ConvTranspose2d("d", inC, outC, kernel, stride, padding, h, w);
        layer.Initialize(new Rng(4));
        var x = new float[batch * layer.InputSize];
        new Rng(5).FillGaussian(x);

        var expected = Direct(layer, x, batch, inC, outC, kernel, stride, padding, h, w);
        layer.Threads = 1;
        var one = layer.Forward(x, batch)[..(batch * layer.OutputSize)];
        layer.Threads = 2;
        var two = layer.Forward(x, batch)[..(batch * layer.OutputSize)];

        Assert.Equal(one, two); // bit for bit
        for (var i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(one[i] - expected[i]) <= 1e-4 * (1 + Math.Abs(expected[i])), $"y[{i}] = {one[i]}, direct {expected[i]}");
    }

    [Theory]
    [InlineData(7, 7, 7)]   // the conv preset: one 7-tile (64 products) against four 4-tiles (100)
    [InlineData(14, 14, 7)] // 256 against 400
    [InlineData(13, 13, 7)]
    [InlineData(8, 8, 4)]   // two 7-tiles a side would be mostly padding: 256 against 100
    [InlineData(4, 4, 4)]
    [InlineData(1, 1, 4)]
    public void Winograd_picks_the_tile_with_fewer_products(int h, int w, int expectedTile)
    {
        var geometry = new ConvGeometry(2 * h, 2 * w, 16, 4, 4, 2, 1);
        Assert.Equal(expectedTile, WinogradConvTranspose.Create(geometry, 16).TileOutputs);
    }

    // x:(B,IH,IW,InC) w:(InC,K,K,OutC) -> y:(B,OH,OW,OutC), in double
    private static float[] Direct(ConvTranspose2d layer, float[] x, int batch, int inC, int outC, int k, int stride, int padding, int h, int w)
    {
        var (oh, ow) = (layer.OutHeight, layer.OutWidth);
        var y = new double[batch * oh * ow * outC];
        for (var b = 0; b < batch; b++)
        for (var p = 0; p < oh * ow; p++)
        for (var o = 0; o < outC; o++)
            y[(b * oh * ow + p) * outC + o] = layer.Bias.Value[o];
        for (var b = 0; b < batch; b++)
        for (var ih = 0; ih < h; ih++)
        for (var iw = 0; iw < w; iw++)
        for (var c = 0; c < inC; c++)
        for (var kh = 0; kh < k; kh++)
        for (var kw = 0; kw < k; kw++)
        {
            var (r, s) = (ih * stride - padding + kh, iw * stride - padding + kw);
            if (r < 0 || r >= oh || s < 0 || s >= ow) continue;
            var input = x[((b * h + ih) * w + iw) * inC + c];
            for (var o = 0; o < outC; o++)
                y[((b * oh + r) * ow + s) * outC + o] += input * layer.Weight.Value[((c * k + kh) * k + kw) * outC + o];
        }
        return y.Select(v => (float)v).ToArray();
    }
}
