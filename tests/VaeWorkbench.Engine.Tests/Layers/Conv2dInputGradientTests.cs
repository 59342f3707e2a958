using VaeWorkbench.Engine.Layers;

namespace VaeWorkbench.Engine.Tests.Layers;

/// <summary>
/// Conv2d's input gradient runs as the transposed convolution of dy with the conv's weight (TransposedConvolution), on
/// whichever path applies: Winograd (kernel 4, stride 2, padding 1, channels in sixteens), per-phase dot products (the
/// same geometry into at most four input channels) or dy·W and col2im. Each is checked against the definition,
/// dx[b, h, w, c] = Σ dy[b, oh, ow, o] · W[o, kh, kw, c] over oh·stride − padding + kh = h (and the same for w), in
/// double; threads take whole images or slices, so the bits must not depend on them.
/// </summary>
public class Conv2dInputGradientTests
{
    [Theory]
    [InlineData(32, 64, 4, 2, 1, 14, 14, 12)] // the conv preset's second layer (Winograd, one 7-tile over its 7×7 grid), several slices
    [InlineData(64, 128, 4, 2, 1, 16, 16, 3)] // the 64 px preset's third layer (Winograd 4-tiles over an 8×8 grid)
    [InlineData(32, 64, 4, 2, 1, 32, 32, 2)]  // the 64 px preset's second layer (Winograd 7-tiles, 16×16 grid: partial tiles)
    [InlineData(16, 16, 4, 2, 1, 10, 6, 5)]   // Winograd: non-square, partial tiles
    [InlineData(16, 32, 4, 2, 1, 2, 2, 2)]    // Winograd: a 1×1 grid
    [InlineData(3, 16, 4, 2, 1, 12, 10, 9)]   // three input channels (RGB): per-phase dot products
    [InlineData(1, 32, 4, 2, 1, 28, 28, 2)]   // one input channel: per-phase dot products
    [InlineData(5, 8, 4, 2, 1, 6, 6, 3)]      // channels not in sixteens: dy·W and col2im
    [InlineData(2, 3, 3, 1, 1, 4, 5, 2)]      // stride 1: dy·W and col2im
    [InlineData(3, 2, 2, 2, 0, 5, 7, 40)]     // no padding, a leftover column, many images in one slice
    public void Input_gradient_equals_the_definition_and_does_not_depend_on_threads(int inC, int outC, int kernel, int stride, int padding, int h, int w, int batch)
    {
        var conv = new Conv2d("c", inC, outC, kernel, stride, padding, h, w);
        conv.Initialize(new Rng(6));
        var x = new float[batch * conv.InputSize];
        new Rng(7).FillGaussian(x);
        var dy = new float[batch * conv.OutputSize];
        new Rng(8).FillGaussian(dy);

        var expected = Definition(conv, dy, batch);
        conv.Threads = 1;
        conv.Forward(x, batch);
        var one = conv.Backward(dy, batch)[..(batch * conv.InputSize)];
        conv.Threads = 2;
        conv.Forward(x, batch);
        var two = conv.Backward(dy, batch)[..(batch * conv.InputSize)];

        Assert.Equal(one, two); // bit for bit
        for (var i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(one[i] - expected[i]) <= 1e-4 * (1 + Math.Abs(expected[i])), $"dx[{i}] = {one[i]}, definition {expected[i]}");
    }

    [Fact]
    public void Input_gradient_follows_a_weight_change_between_steps()
    {
        // The fast paths keep a transformed copy of W: a step that changes W must not leave a stale one behind.
        var conv = new Conv2d("c", 16, 16, 4, 2, 1, 6, 6);
        conv.Initialize(new Rng(9));
        var x = new float[conv.InputSize];
        var dy = new float[conv.OutputSize];
        new Rng(10).FillGaussian(dy);
        conv.Forward(x, 1);
        conv.Backward(dy, 1);
        for (var i = 0; i < conv.Weight.Size; i++) conv.Weight.Value[i] *= -2f;

        conv.Forward(x, 1);
        var dx = conv.Backward(dy, 1);
        var expected = Definition(conv, dy, 1);
        for (var i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(dx[i] - expected[i]) <= 1e-4 * (1 + Math.Abs(expected[i])), $"dx[{i}] = {dx[i]}, definition {expected[i]}");
    }

    // dy:(B,OH,OW,OutC) w:(OutC,K,K,InC) -> dx:(B,H,W,InC), in double
    private static float[] Definition(Conv2d conv, float[] dy, int batch)
    {
        var (h, w, inC, outC, k) = (conv.InHeight, conv.InWidth, conv.InChannels, conv.OutChannels, conv.Kernel);
        var (oh, ow) = (conv.OutHeight, conv.OutWidth);
        var dx = new double[batch * h * w * inC];
        for (var b = 0; b < batch; b++)
        for (var r = 0; r < oh; r++)
        for (var s = 0; s < ow; s++)
        for (var kh = 0; kh < k; kh++)
        for (var kw = 0; kw < k; kw++)
        {
            var (ih, iw) = (r * conv.Stride - conv.Padding + kh, s * conv.Stride - conv.Padding + kw);
            if (ih < 0 || ih >= h || iw < 0 || iw >= w) continue;
            for (var o = 0; o < outC; o++)
            {
                double g = dy[((b * oh + r) * ow + s) * outC + o];
                for (var c = 0; c < inC; c++)
                    dx[((b * h + ih) * w + iw) * inC + c] += g * conv.Weight.Value[((o * k + kh) * k + kw) * inC + c];
            }
        }
        return dx.Select(v => (float)v).ToArray();
    }
}
