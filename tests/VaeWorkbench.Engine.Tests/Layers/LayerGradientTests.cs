using VaeWorkbench.Engine.Layers;

namespace VaeWorkbench.Engine.Tests.Layers;

/// <summary>Every layer's Backward against central finite differences.</summary>
public class LayerGradientTests
{
    [Fact]
    public void Linear() => GradientCheck.Layer(new Linear("fc", 7, 5), batch: 3, seed: 1);

    [Theory]
    [InlineData(1, 2, 3, 1, 1, 5, 5)]   // odd size, 3x3 kernel, same padding
    [InlineData(2, 3, 4, 2, 1, 6, 6)]   // the presets' k4 s2 p1
    [InlineData(3, 2, 2, 2, 0, 5, 7)]   // non-square, no padding, a leftover column
    [InlineData(2, 2, 3, 3, 2, 4, 4)]   // stride 3 with padding wider than the stride gap
    [InlineData(3, 4, 4, 2, 1, 16, 16)] // the 64 px preset's third stage (16x16 -> 8x8), narrowed
    [InlineData(16, 16, 4, 2, 1, 6, 6)] // channels in sixteens: the input gradient takes the Winograd path
    [InlineData(2, 16, 4, 2, 1, 6, 6)]  // two input channels: the input gradient takes the per-phase path
    public void Conv2d(int inC, int outC, int kernel, int stride, int padding, int h, int w) =>
        GradientCheck.Layer(new Engine.Layers.Conv2d("conv", inC, outC, kernel, stride, padding, h, w), batch: 2, seed: 2);

    [Theory]
    [InlineData(2, 3, 4, 2, 1, 3, 3)]   // the presets' k4 s2 p1 (3 -> 6)
    [InlineData(1, 2, 3, 1, 1, 4, 5)]   // stride 1
    [InlineData(3, 1, 3, 2, 0, 2, 3)]   // no padding (2x3 -> 5x7)
    [InlineData(4, 3, 4, 2, 1, 8, 8)]   // the 64 px preset's first decoder stage (8x8 -> 16x16), narrowed
    public void ConvTranspose2d(int inC, int outC, int kernel, int stride, int padding, int h, int w) =>
        GradientCheck.Layer(new Engine.Layers.ConvTranspose2d("deconv", inC, outC, kernel, stride, padding, h, w), batch: 2, seed: 3);

    [Fact]
    public void Relu() => GradientCheck.Layer(new Relu(11), batch: 3, seed: 4);

    [Fact]
    public void LeakyRelu() => GradientCheck.Layer(new LeakyRelu(11, 0.2f), batch: 3, seed: 5);

    [Fact]
    public void Silu() => GradientCheck.Layer(new Silu(11), batch: 3, seed: 6);

    [Fact]
    public void Sigmoid() => GradientCheck.Layer(new Sigmoid(11), batch: 3, seed: 7);

    [Fact]
    public void Tanh() => GradientCheck.Layer(new Tanh(11), batch: 3, seed: 8);

    [Fact]
    public void FlattenAndReshape()
    {
        GradientCheck.Layer(new Flatten(12), batch: 2, seed: 9);
        GradientCheck.Layer(new Reshape(12, 3, 2, 2), batch: 2, seed: 9);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void ChannelsLast(bool toLast) => GradientCheck.Layer(new ChannelsLast(3, 2, 4, toLast), batch: 2, seed: 10);

    [Fact]
    public void SequentialConvStack() => GradientCheck.Layer(
        new Sequential(
            new Engine.Layers.Conv2d("c", 1, 2, 4, 2, 1, 8, 8), new Relu(32), new Flatten(32), new Linear("fc", 32, 3), new Tanh(3),
            new Linear("up", 3, 32), new Reshape(32, 4, 4, 2), new Engine.Layers.ConvTranspose2d("d", 2, 1, 4, 2, 1, 4, 4)),
        batch: 2, seed: 11, step: 5e-3f, tolerance: 2e-2);

    [Fact]
    public void ChannelsLastMovesChannelsAndBack()
    {
        var x = Enumerable.Range(0, 12).Select(i => (float)i).ToArray(); // (C=3, H=1, W=4)
        var last = new ChannelsLast(3, 1, 4, toLast: true).Forward(x, 1);
        Assert.Equal([0f, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11], last[..12]);
        var back = new ChannelsLast(3, 1, 4, toLast: false).Forward(last, 1);
        Assert.Equal(x, back[..12]);
    }

    [Fact]
    public void Conv2dMatchesDirectConvolution()
    {
        // One channel-last image, written out by hand: a 2x2 kernel of ones sums each 2x2 window.
        var conv = new Engine.Layers.Conv2d("c", 1, 1, 2, 1, 0, 3, 3);
        Array.Fill(conv.Weight.Value, 1f);
        conv.Bias.Value[0] = 0.5f;
        var y = conv.Forward([1, 2, 3, 4, 5, 6, 7, 8, 9], 1);
        Assert.Equal([12.5f, 16.5f, 24.5f, 28.5f], y[..4]);
    }

    [Fact]
    public void ConvTransposeOutputSizeMatchesPyTorch()
    {
        var deconv = new Engine.Layers.ConvTranspose2d("d", 64, 32, 4, 2, 1, 7, 7);
        Assert.Equal(14, deconv.OutHeight);
        Assert.Equal(14 * 14 * 32, deconv.OutputSize);
    }

    [Fact]
    public void SequentialRejectsMismatchedSizes()
    {
        var e = Assert.Throws<ArgumentException>(() => new Sequential(new Linear("a", 4, 3), new Linear("b", 5, 2)));
        Assert.Contains("outputs 3", e.Message);
    }

    [Fact]
    public void LinearInitialisationIsPyTorchsUniformBound()
    {
        var fc = new Linear("fc", 400, 20);
        fc.Initialize(new Rng(1));
        var bound = 1 / MathF.Sqrt(400);
        Assert.All(fc.Weight.Value, v => Assert.InRange(v, -bound, bound));
        Assert.All(fc.Bias.Value, v => Assert.InRange(v, -bound, bound));
        // Uniform on [-b, b] has variance b²/3; 8000 draws pin it to within a few percent.
        var variance = fc.Weight.Value.Average(v => (double)v * v);
        Assert.InRange(variance, bound * bound / 3 * 0.93, bound * bound / 3 * 1.07);
    }

    [Fact]
    public void ActivationsSplitAcrossThreadsGiveTheSameBits()
    {
        const int size = 50_001, batch = 2; // large enough to split, odd so the ranges have tails
        var rng = new Rng(12);
        var x = new float[size * batch];
        var dy = new float[size * batch];
        rng.FillGaussian(x);
        rng.FillGaussian(dy);
        foreach (var make in new Func<Activation>[] { () => new Relu(size), () => new LeakyRelu(size), () => new Sigmoid(size), () => new Tanh(size) })
        {
            var (one, two) = (make(), make());
            two.Threads = 2;
            Assert.Equal(one.Forward(x, batch), two.Forward(x, batch));
            Assert.Equal(one.Backward(dy, batch), two.Backward(dy, batch));
        }
    }
}
