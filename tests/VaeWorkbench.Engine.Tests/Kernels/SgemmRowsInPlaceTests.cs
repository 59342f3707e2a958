using VaeWorkbench.Engine.Kernels;

namespace VaeWorkbench.Engine.Tests.Kernels;

/// <summary>The in-place-rows GEMM of the transposed convolutions against the naive double-accumulating reference.</summary>
public class SgemmRowsInPlaceTests
{
    public static TheoryData<int, int, int> Shapes()
    {
        var data = new TheoryData<int, int, int>();
        // Every row tail past groups of eight, 16- and 32-column panels and a mix, short and long k.
        foreach (var m in new[] { 1, 7, 8, 9, 15, 16, 17, 23, 100 })
            foreach (var n in new[] { 16, 32, 48, 512 })
                foreach (var k in new[] { 1, 3, 32, 64 })
                    data.Add(m, n, k);
        return data;
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Matches_the_reference_with_padded_strides(int m, int n, int k)
    {
        if (!SgemmRowsInPlace.Supports(16))
        {
            // Without AVX-512 the layers take Sgemm instead; the kernel itself refuses rather than computing nothing.
            Assert.Throws<ArgumentException>(() => SgemmRowsInPlace.Multiply(m, n, k, new float[m * k], k, new float[k * n], n, new float[m * n], n));
            return;
        }
        var (lda, ldb, ldc) = (k + 3, n + 16, n + 5);
        var random = new Random(m * 1000 + n * 10 + k);
        float[] Random(int length) => Enumerable.Range(0, length).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        var a = Random(m * lda);
        var b = Random(k * ldb);
        var c = Enumerable.Repeat(float.NaN, m * ldc).ToArray(); // overwritten, never read
        var expected = Enumerable.Repeat(float.NaN, m * ldc).ToArray();
        SgemmReference.Multiply(false, false, m, n, k, 1f, a, lda, b, ldb, 0f, expected, ldc);
        SgemmRowsInPlace.Multiply(m, n, k, a, lda, b, ldb, c, ldc);
        for (var i = 0; i < m; i++)
        {
            for (var j = 0; j < n; j++) Assert.Equal(expected[i * ldc + j], c[i * ldc + j], 2e-6f * (k + 8));
            for (var j = n; j < ldc && i < m - 1; j++) Assert.True(float.IsNaN(c[i * ldc + j]), "wrote past the row"); // the padding stays untouched
        }
    }

    [Theory]
    [InlineData(41, 196, 40)] // the last layer's slice: 196 rows an image, so an even count
    [InlineData(13, 4, 12)]   // Winograd tiles: 4 rows an image, so a multiple of 2
    [InlineData(10, 7, 8)]    // an odd row count needs a multiple of 8
    [InlineData(5, 7, 5)]     // fewer than that: keep them all
    [InlineData(0, 3, 1)]     // at least one image
    [InlineData(3, 8, 3)]     // whole groups already
    public void Slices_are_cut_to_whole_groups_of_eight_rows(int images, int rowsPerImage, int expected)
    {
        var count = SgemmRowsInPlace.WholeGroups(images, rowsPerImage);
        Assert.Equal(expected, count);
        if (images >= 8) Assert.Equal(0, count * rowsPerImage % 8);
    }

    [Fact]
    public void A_rows_bits_do_not_depend_on_how_many_rows_the_call_has()
    {
        if (!SgemmRowsInPlace.Supports(16))
        {
            Assert.Throws<ArgumentException>(() => SgemmRowsInPlace.Multiply(1, 16, 1, new float[1], 1, new float[16], 16, new float[16], 16));
            return;
        }
        var random = new Random(5);
        var a = Enumerable.Range(0, 21 * 64).Select(_ => (float)random.NextDouble()).ToArray();
        var b = Enumerable.Range(0, 64 * 48).Select(_ => (float)random.NextDouble()).ToArray();
        var all = new float[21 * 48];
        SgemmRowsInPlace.Multiply(21, 48, 64, a, 64, b, 48, all, 48);
        for (var row = 0; row < 21; row++) // row 20 alone goes through the one-row kernel, rows 0–15 through the eight-row one
        {
            var one = new float[48];
            SgemmRowsInPlace.Multiply(1, 48, 64, a.AsSpan(row * 64), 64, b, 48, one, 48);
            Assert.Equal(one, all.AsSpan(row * 48, 48).ToArray());
        }
    }
}
