using VaeWorkbench.Imaging.Formats.Jpeg;

namespace VaeWorkbench.Imaging.Tests.Jpeg;

/// <summary>The fast IDCT, colour and upsampling kernels against their scalar or naive references.</summary>
public unsafe class JpegKernelTests
{
    private static short[] RandomBlock(Random random, int magnitude, double density)
    {
        var block = new short[64];
        for (int i = 0; i < 64; i++)
        {
            if (i == 0 || random.NextDouble() < density) block[i] = (short)random.Next(-magnitude, magnitude + 1);
        }

        return block;
    }

    private static byte[] IdctScalar(short[] block, ushort[] quant)
    {
        var output = new byte[64];
        fixed (short* c = block) fixed (ushort* q = quant) fixed (byte* o = output) JpegIdct.Transform(c, q, o, 8);
        return output;
    }

    [Theory]
    [InlineData(1, 2000, 0.3)]       // typical: quantized coefficients, some AC
    [InlineData(2, 300, 1.0)]        // dense
    [InlineData(3, 32767, 0.5)]      // corrupt-data range: out-of-range samples wrap as libjpeg's table does
    public void VectorIdctMatchesScalar(int seed, int magnitude, double density)
    {
        Assert.True(JpegIdctVector.IsSupported, "this machine has AVX2; the vector IDCT must be exercised");
        var random = new Random(seed);
        for (int trial = 0; trial < 2000; trial++)
        {
            var block = RandomBlock(random, magnitude, density);
            var quant = Enumerable.Range(0, 64).Select(_ => (ushort)random.Next(1, magnitude > 5000 ? 65536 : 64)).ToArray();
            var expected = IdctScalar(block, quant);

            var actual = new byte[8 * 24];   // stride 24: rows must land at their stride, nothing in between touched
            fixed (short* c = block) fixed (ushort* q = quant) fixed (byte* o = actual) JpegIdctVector.Transform(c, q, o + 4, 24);
            for (int row = 0; row < 8; row++)
            {
                Assert.Equal(expected.AsSpan(row * 8, 8).ToArray(), actual.AsSpan(row * 24 + 4, 8).ToArray());
                Assert.All(actual.AsSpan(row * 24, 4).ToArray(), b => Assert.Equal(0, b));
                Assert.All(actual.AsSpan(row * 24 + 12, 12).ToArray(), b => Assert.Equal(0, b));
            }
        }
    }

    [Fact]
    public void ScalarIdctIsWithinOneOfTheExactTransform()
    {
        var random = new Random(7);
        var quant = Enumerable.Repeat((ushort)1, 64).ToArray();
        for (int trial = 0; trial < 500; trial++)
        {
            var block = RandomBlock(random, 120, 0.4);
            var actual = IdctScalar(block, quant);
            for (int y = 0; y < 8; y++)
            {
                for (int x = 0; x < 8; x++)
                {
                    double sum = 0;
                    for (int v = 0; v < 8; v++)
                    {
                        for (int u = 0; u < 8; u++)
                        {
                            double cu = u == 0 ? Math.Sqrt(0.5) : 1, cv = v == 0 ? Math.Sqrt(0.5) : 1;
                            sum += cu * cv * block[v * 8 + u] * Math.Cos((2 * x + 1) * u * Math.PI / 16) * Math.Cos((2 * y + 1) * v * Math.PI / 16);
                        }
                    }

                    double exact = Math.Clamp(sum / 4 + 128, 0, 255);
                    Assert.True(Math.Abs(actual[y * 8 + x] - exact) <= 1.0, $"({x},{y}): {actual[y * 8 + x]} vs exact {exact:F2}");
                }
            }
        }
    }

    [Fact]
    public void VectorColourConversionMatchesTablesForEveryChromaPair()
    {
        var random = new Random(3);
        const int width = 256 * 256;
        var y = new byte[width];
        var cb = new byte[width];
        var cr = new byte[width];
        random.NextBytes(y);
        for (int i = 0; i < width; i++) (cb[i], cr[i]) = ((byte)(i & 255), (byte)(i >> 8));
        var expected = new byte[width * 3];
        var actual = new byte[width * 3];

        JpegColorConverter.YCbCrToRgbScalar(y, cb, cr, expected);
        JpegColorConverter.YCbCrToRgb(y, cb, cr, actual);

        Assert.Equal(expected, actual);
    }

    [Fact]
    public void VectorColourConversionHandlesEveryTailLength()
    {
        var random = new Random(4);
        for (int width = 0; width <= 50; width++)
        {
            var planes = new byte[3][];
            for (int c = 0; c < 3; c++)
            {
                planes[c] = new byte[width];
                random.NextBytes(planes[c]);
            }

            var expected = new byte[width * 3];
            var actual = new byte[width * 3 + 5];
            JpegColorConverter.YCbCrToRgbScalar(planes[0], planes[1], planes[2], expected);
            JpegColorConverter.YCbCrToRgb(planes[0], planes[1], planes[2], actual.AsSpan(0, width * 3));
            Assert.Equal(expected, actual.AsSpan(0, width * 3).ToArray());
            Assert.All(actual.AsSpan(width * 3).ToArray(), b => Assert.Equal(0, b));
        }
    }

    /// <summary>libjpeg's fancy upsampling written out per output sample, straight from jdsample.c's formulas.</summary>
    private static byte NaiveUpsample(byte[,] input, int width, int height, int hRatio, int vRatio, int x, int y)
    {
        bool fancyH = hRatio == 2 && width > 2 && vRatio <= 2;
        if (hRatio == 1 && vRatio == 2)
        {
            int row = y / 2, other = Math.Clamp(y % 2 == 0 ? row - 1 : row + 1, 0, height - 1);
            return (byte)((3 * input[row, x] + input[other, x] + (y % 2 == 0 ? 1 : 2)) >> 2);
        }

        if (!fancyH) return input[Math.Min(y / vRatio, height - 1), x / hRatio];

        int column = x / 2;
        int Sum(int c)
        {
            c = Math.Clamp(c, 0, width - 1);
            if (vRatio == 1) return input[y, c];
            int row = y / 2, other = Math.Clamp(y % 2 == 0 ? row - 1 : row + 1, 0, height - 1);
            return 3 * input[row, c] + input[other, c];
        }

        int neighbour = x % 2 == 0 ? column - 1 : column + 1;
        if (vRatio == 1)
        {
            if (x == 0 || x == 2 * width - 1) return (byte)Sum(column);
            return (byte)((3 * Sum(column) + Sum(neighbour) + (x % 2 == 0 ? 1 : 2)) >> 2);
        }

        if (x == 0) return (byte)((4 * Sum(0) + 8) >> 4);
        if (x == 2 * width - 1) return (byte)((4 * Sum(width - 1) + 7) >> 4);
        return (byte)((3 * Sum(column) + Sum(neighbour) + (x % 2 == 0 ? 8 : 7)) >> 4);
    }

    [Theory]
    [InlineData(2, 1)]
    [InlineData(1, 2)]
    [InlineData(2, 2)]
    [InlineData(1, 1)]
    [InlineData(4, 1)]
    [InlineData(3, 2)]
    public void UpsamplerMatchesLibjpegFormulasAtEveryWidth(int hRatio, int vRatio)
    {
        var random = new Random(hRatio * 10 + vRatio);
        for (int width = 1; width <= 41; width++)
        {
            foreach (int height in new[] { 1, 2, 5, 9 })
            {
                int stride = (width + 7) / 8 * 8;
                var plane = new byte[stride * ((height + 7) / 8 * 8)];
                random.NextBytes(plane);
                var input = new byte[height, width];
                for (int r = 0; r < height; r++)
                {
                    for (int c = 0; c < width; c++) input[r, c] = plane[r * stride + c];
                }

                var upsampler = new JpegUpsampler(plane, stride, width, height, hRatio, vRatio);
                var buffer = new byte[upsampler.OutputLength];
                for (int y = 0; y < height * vRatio; y++)
                {
                    var row = upsampler.Row(y, buffer);
                    for (int x = 0; x < width * hRatio; x++)
                    {
                        byte expected = NaiveUpsample(input, width, height, hRatio, vRatio, x, y);
                        if (row[x] != expected)
                            Assert.Fail($"{hRatio}x{vRatio} width {width} height {height}: ({x},{y}) is {row[x]}, expected {expected}");
                    }
                }
            }
        }
    }

    [Fact]
    public void UpsamplingVectorLoopsMatchScalarAtEveryWidth()
    {
        Assert.True(System.Runtime.Intrinsics.Vector128.IsHardwareAccelerated, "the vector loops must be exercised here");
        var random = new Random(11);
        for (int width = 1; width <= 50; width++)
        {
            var near = new byte[width];
            var far = new byte[width];
            random.NextBytes(near);
            random.NextBytes(far);
            var scalarSums = new ushort[width + JpegUpsampler.Padding];
            var vectorSums = new ushort[width + JpegUpsampler.Padding];
            fixed (byte* n = near) fixed (byte* f = far) fixed (ushort* s = scalarSums) fixed (ushort* v = vectorSums)
            {
                JpegUpsampler.ColumnSums(n, f, s, width, useVectors: false);
                JpegUpsampler.ColumnSums(n, f, v, width, useVectors: true);
            }

            Assert.Equal(scalarSums, vectorSums);   // including the untouched padding

            // Filter input: sums with repeated edges at 0 and width+1, then padding.
            var sums = new ushort[width + 2 + JpegUpsampler.Padding];
            for (int x = 1; x <= width; x++) sums[x] = (ushort)random.Next(0, 1021);
            (sums[0], sums[width + 1]) = (sums[1], sums[width]);
            foreach (var (evenBias, oddBias, shift) in new[] { (1, 2, 2), (8, 7, 4) })
            {
                var scalar = new byte[2 * width + JpegUpsampler.Padding];
                var vector = new byte[2 * width + JpegUpsampler.Padding];
                var input = shift == 2 ? sums.Select(v => (ushort)(v / 4)).ToArray() : sums;
                fixed (ushort* s = input) fixed (byte* o = scalar) fixed (byte* w = vector)
                {
                    JpegUpsampler.TriangleFilter(s, width, o, evenBias, oddBias, shift, useVectors: false);
                    JpegUpsampler.TriangleFilter(s, width, w, evenBias, oddBias, shift, useVectors: true);
                }

                Assert.Equal(scalar.AsSpan(0, 2 * width).ToArray(), vector.AsSpan(0, 2 * width).ToArray());
            }
        }
    }

    [Fact]
    public void NonZeroAcTestSeesEveryPositionButDc()
    {
        var block = new short[64];
        fixed (short* b = block)
        {
            block[0] = 123;   // DC does not count
            Assert.False(JpegScanDecoder.HasNonZeroAc(b, useVectors: true));
            Assert.False(JpegScanDecoder.HasNonZeroAc(b, useVectors: false));
            for (int i = 1; i < 64; i++)
            {
                block[i] = (short)(i % 2 == 0 ? -1 : 1);
                Assert.True(JpegScanDecoder.HasNonZeroAc(b, useVectors: true), $"position {i}");
                Assert.True(JpegScanDecoder.HasNonZeroAc(b, useVectors: false), $"position {i}");
                block[i] = 0;
            }
        }
    }
}
