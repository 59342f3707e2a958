using VaeWorkbench.Engine.Kernels;

namespace VaeWorkbench.Engine.Tests.Kernels;

/// <summary>The run-copying im2col / col2im against the element-by-element definitions.</summary>
public class Im2ColTests
{
    public static TheoryData<int, int, int, int, int, int, int> Geometries() => new()
    {
        { 28, 28, 1, 4, 4, 2, 1 },  // conv preset, first layer
        { 14, 14, 32, 4, 4, 2, 1 }, // conv preset, second layer
        { 5, 7, 3, 3, 3, 1, 1 },    // non-square, same padding
        { 6, 5, 2, 2, 3, 2, 0 },    // rectangular kernel, no padding
        { 4, 4, 5, 3, 3, 3, 2 },    // padding wider than the stride gap
        { 1, 1, 1, 1, 1, 1, 0 },    // the smallest case
        { 9, 9, 17, 5, 5, 2, 2 },   // odd channel count, vector tails inside runs
    };

    [Theory]
    [MemberData(nameof(Geometries))]
    public void ExtractEqualsNaive(int h, int w, int c, int kh, int kw, int stride, int padding)
    {
        var g = new ConvGeometry(h, w, c, kh, kw, stride, padding);
        const int batch = 3;
        var image = new float[batch * g.ImageSize];
        new Rng(1).FillGaussian(image);
        var fast = new float[batch * g.Patches * g.PatchSize];
        var slow = new float[fast.Length];
        Array.Fill(fast, float.NaN); // every element must be written, padding included
        foreach (var threads in new[] { 1, 2 })
        {
            Im2Col.Extract(g, image, fast, batch, threads);
            Im2Col.ExtractNaive(g, image, slow, batch);
            Assert.Equal(slow, fast);
        }
    }

    [Theory]
    [MemberData(nameof(Geometries))]
    public void AccumulateEqualsNaive(int h, int w, int c, int kh, int kw, int stride, int padding)
    {
        var g = new ConvGeometry(h, w, c, kh, kw, stride, padding);
        const int batch = 3;
        var col = new float[batch * g.Patches * g.PatchSize];
        new Rng(2).FillGaussian(col);
        var fast = new float[batch * g.ImageSize];
        var slow = new float[fast.Length];
        foreach (var threads in new[] { 1, 2 })
        {
            Array.Fill(fast, float.NaN); // col2im overwrites, it does not add to old contents
            Im2Col.Accumulate(g, col, fast, batch, threads);
            Im2Col.AccumulateNaive(g, col, slow, batch);
            Assert.Equal(slow, fast);
        }
    }

    [Fact]
    public void GeometryRejectsKernelsLargerThanThePaddedImage()
    {
        Assert.Throws<ArgumentException>(() => new ConvGeometry(2, 2, 1, 5, 5, 1, 1).Validate());
        Assert.Throws<ArgumentException>(() => new ConvGeometry(2, 2, 1, 1, 1, 0, 0).Validate());
    }
}
