using VaeWorkbench.Engine.Kernels;
using VaeWorkbench.Engine.Optim;

namespace VaeWorkbench.Engine.Tests.Kernels;

/// <summary>The vectorised element-wise kernels against their scalar paths, at every tail length past two Vector512 widths.</summary>
public class ElementWiseTests
{
    public static TheoryData<int> Lengths() => [.. Enumerable.Range(0, 70)];

    [Theory]
    [MemberData(nameof(Lengths))]
    public void BinaryKernelsEqualScalar(int n)
    {
        var rng = new Rng((ulong)n + 1);
        var a = new float[n];
        var b = new float[n];
        rng.FillGaussian(a);
        rng.FillGaussian(b);
        if (n > 3) a[3] = 0f; // the boundary value of the comparisons
        Check(new ReluBackwardKernel(), a, b);
        Check(new LeakyReluKernel(0.1f), a, a);
        Check(new LeakyReluBackwardKernel(0.1f), a, b);
        Check(new SigmoidBackwardKernel(), a, b);
        Check(new TanhBackwardKernel(), a, b);
        Check(new ReluKernel(), a, a);
        Check(new AddKernel(), a, b);
        Check(new AddScalarKernel(0.3f), a, a);
        Check(new LogisticKernel(), a, a);
        var wide = a.Select(x => x * 40f).ToArray(); // past the clamp at ±87 in both directions
        Check(new LogisticKernel(), wide, wide);
    }

    [Fact]
    public void LogisticIsWithinTwoUlpOfTheDoublePrecisionDefinitionAndSaturates()
    {
        // Every 1/64 from −100 to 100: the exponent's whole range, the clamp and both saturations.
        var x = Enumerable.Range(-6400, 12801).Select(i => i / 64f).ToArray();
        var y = new float[x.Length];
        ElementWise.Map(new LogisticKernel(), x, x, y);
        for (var i = 0; i < x.Length; i++)
        {
            var exact = LogisticKernel.Naive(x[i]);
            if (x[i] < -87f)
                Assert.InRange(y[i], 0f, 2e-38f); // the clamp: e^87 instead of e^−x, still ~0
            else
                Assert.True(Math.Abs(y[i] - exact) <= 2 * MathF.BitIncrement(exact) - 2 * exact, $"σ({x[i]}) = {y[i]:R}, exactly {exact:R}");
        }
        Assert.Equal(1f, y[^1]);
        Assert.Equal(0.5f, y[6400]);
        // NaN at a vector lane and in the scalar tail: a diverged model still shows as NaN.
        var nan = Enumerable.Range(0, 19).Select(i => i % 17 == 0 ? float.NaN : i - 9f).ToArray();
        foreach (var kernel in new Func<float[], float[]>[]
                 {
                     v => { var y = new float[v.Length]; ElementWise.Map(new LogisticKernel(), v, v, y); return y; },
                     v => { var y = new float[v.Length]; ElementWise.Map(new ReluKernel(), v, v, y); return y; },
                 })
        {
            var result = kernel(nan);
            Assert.True(float.IsNaN(result[0]) && float.IsNaN(result[17]));
            Assert.All(result.Where((_, i) => i % 17 != 0), v => Assert.False(float.IsNaN(v)));
        }
    }

    private static void Check<T>(T op, float[] a, float[] b) where T : struct, IBinaryKernel
    {
        var fast = new float[a.Length];
        var slow = new float[a.Length];
        ElementWise.Map(op, a, b, fast);
        ElementWise.MapScalar(op, a, b, slow);
        Assert.Equal(slow, fast);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(300, 1)]
    [InlineData(7, 3)]
    [InlineData(5, 17)]
    [InlineData(128, 33)]
    [InlineData(9, 64)]
    [InlineData(200, 64 + 16 + 8 + 5)] // every path: four vectors, one Vector512, one Vector256, scalar
    public void SumRowsEqualsNaive(int rows, int cols)
    {
        var rng = new Rng(9);
        var dy = new float[rows * cols];
        rng.FillGaussian(dy);
        var fast = new float[cols];
        var slow = new float[cols];
        ElementWise.SumRows(dy, fast, rows);
        ElementWise.SumRowsNaive(dy, slow, rows);
        Assert.Equal(slow, fast); // both add the rows in the same order
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(300, 1)]
    [InlineData(5, 17)]
    public void BroadcastRowsAndAddRowVectorPutTheBiasOnEveryRow(int rows, int cols)
    {
        var y = Enumerable.Range(0, rows * cols).Select(i => (float)i).ToArray();
        var bias = Enumerable.Range(0, cols).Select(i => 0.5f + i).ToArray();
        var broadcast = new float[rows * cols + 1];
        broadcast[^1] = 42f;
        ElementWise.BroadcastRows(broadcast, bias, rows);
        for (var i = 0; i < rows * cols; i++) Assert.Equal(bias[i % cols], broadcast[i]);
        Assert.Equal(42f, broadcast[^1]); // nothing past the last row
        ElementWise.AddRowVector(y, bias, rows);
        for (var r = 0; r < rows; r++)
        for (var c = 0; c < cols; c++)
            Assert.Equal(r * cols + c + bias[c], y[r * cols + c]);
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void AdamKernelEqualsScalar(int n)
    {
        var rng = new Rng(100 + (ulong)n);
        float[] Random() { var v = new float[n]; rng.FillGaussian(v); return v; }
        var (value, grad, m) = (Random(), Random(), Random());
        var v = Random().Select(MathF.Abs).ToArray();
        var kernel = new AdamKernel(0.9f, 0.999f, 1e-8f, 1e-3f, 1.3f, 0.99f, 0.01f);
        var (value2, m2, v2) = ((float[])value.Clone(), (float[])m.Clone(), (float[])v.Clone());
        kernel.Apply(value, grad, m, v);
        kernel.ApplyScalar(value2, grad, m2, v2);
        Assert.Equal(value2, value);
        Assert.Equal(m2, m);
        Assert.Equal(v2, v);
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void FusedBceEqualsTheDoublePrecisionDefinition(int n)
    {
        var rng = new Rng(200 + (ulong)n);
        var s = new float[n];
        rng.FillGaussian(s, 6f);
        if (n > 2) { s[0] = 90f; s[1] = -90f; s[2] = 0f; } // saturated and boundary logits
        var x = Enumerable.Range(0, n).Select(_ => rng.NextFloat()).ToArray();
        var fast = new float[n];
        var slow = new float[n];
        var fastLoss = BceWithLogits.Image(s, x, fast, 0.25f);
        var slowLoss = BceWithLogits.ImageNaive(s, x, slow, 0.25f);
        Assert.Equal(slowLoss, fastLoss, 1e-5 * Math.Max(1, Math.Abs(slowLoss)));
        for (var i = 0; i < n; i++) Assert.Equal(slow[i], fast[i], 1e-6f);
        Assert.Equal(fastLoss, BceWithLogits.Image(s, x, default, 0.25f)); // the loss does not depend on asking for the gradient
    }

    [Theory]
    [InlineData(12_288)] // a 64x64 RGB image
    [InlineData(12_289)] // and a scalar tail
    public void FusedBceOverALargeImageKeepsDoublePrecisionSums(int n)
    {
        var rng = new Rng(300);
        var s = new float[n];
        rng.FillGaussian(s, 2f);
        var x = Enumerable.Range(0, n).Select(_ => rng.NextFloat()).ToArray();
        var fast = BceWithLogits.Image(s, x, default, 1f);
        var slow = BceWithLogits.ImageNaive(s, x, default, 1f);
        // A float result of ~13,000 nats alone rounds by up to 5e-4 and one float running sum drifted ~1e-3; per-chunk float
        // sums added in double stay within the vector exp/log error (measured 2.3e-4, i.e. 2e-8 relative).
        Assert.True(Math.Abs(fast - slow) < 3e-8 * slow, $"fused {fast} against {slow}");
    }
}
