using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using VaeWorkbench.Engine.Kernels;

namespace VaeWorkbench.Engine.Tests.Kernels;

/// <summary>The blocked, packed, multi-threaded SGEMM against the naive double-accumulating reference.</summary>
public class SgemmTests
{
    private static readonly int[] TailSizes = [.. Enumerable.Range(1, 33), 67, 131, 257];

    /// <summary>Every micro-kernel this CPU can run, so the Vector256 and scalar paths are checked here too.</summary>
    public static TheoryData<string, bool, bool> KernelsAndTransposes()
    {
        var data = new TheoryData<string, bool, bool>();
        foreach (var isa in SupportedIsas())
        {
            foreach (var transA in new[] { false, true })
            {
                foreach (var transB in new[] { false, true })
                {
                    data.Add(isa.ToString(), transA, transB);
                }
            }
        }

        return data;
    }

    private static IEnumerable<SgemmIsa> SupportedIsas()
    {
        yield return SgemmIsa.Scalar;
        if (Fma.IsSupported && Vector256.IsHardwareAccelerated)
        {
            yield return SgemmIsa.Vector256;
        }

        if (Avx512F.IsSupported && Vector512.IsHardwareAccelerated)
        {
            yield return SgemmIsa.Vector512;
        }
    }

    [Fact]
    public void BestKernelIsTheWidestTheCpuAccelerates()
    {
        var expected = Avx512F.IsSupported && Vector512.IsHardwareAccelerated ? SgemmIsa.Vector512
            : Fma.IsSupported && Vector256.IsHardwareAccelerated ? SgemmIsa.Vector256
            : SgemmIsa.Scalar;
        Assert.Equal(expected, SgemmMicroKernels.Best);
    }

    [Theory]
    [MemberData(nameof(KernelsAndTransposes))]
    public void EveryTailLengthOfEachDimensionMatchesReference(string isaName, bool transA, bool transB)
    {
        var isa = Enum.Parse<SgemmIsa>(isaName);
        foreach (var size in TailSizes)
        {
            // One dimension sweeps the tails while the other two stay odd, so every edge-tile shape is hit.
            AssertMatchesReference(isa, transA, transB, size, 37, 19, alpha: 1, beta: 0, threads: 1, pad: 0);
            AssertMatchesReference(isa, transA, transB, 13, size, 23, alpha: 1, beta: 0, threads: 1, pad: 0);
            AssertMatchesReference(isa, transA, transB, 11, 35, size, alpha: 1, beta: 0, threads: 1, pad: 0);
        }
    }

    [Theory]
    [MemberData(nameof(KernelsAndTransposes))]
    public void RandomOddShapesWithScalingAndPaddingMatchReference(string isaName, bool transA, bool transB)
    {
        var isa = Enum.Parse<SgemmIsa>(isaName);
        var random = new Random(1234);
        (float Alpha, float Beta)[] scalings = [(1, 0), (0.5f, -1.25f), (-2, 1), (1.5f, 0)];
        for (var trial = 0; trial < 24; trial++)
        {
            var m = TailSizes[random.Next(TailSizes.Length)];
            var n = TailSizes[random.Next(TailSizes.Length)];
            var k = TailSizes[random.Next(TailSizes.Length)];
            var (alpha, beta) = scalings[trial % scalings.Length];
            AssertMatchesReference(isa, transA, transB, m, n, k, alpha, beta, threads: 1 + trial % 3, pad: trial % 5);
        }
    }

    [Theory]
    [MemberData(nameof(KernelsAndTransposes))]
    public void ShapesCrossingTheCacheBlocksMatchReference(string isaName, bool transA, bool transB)
    {
        var isa = Enum.Parse<SgemmIsa>(isaName);
        // K > KC accumulates over several packed k blocks; M > MC packs several A blocks; N > NC several B blocks.
        AssertMatchesReference(isa, transA, transB, 9, 21, SgemmDriver.KC * 2 + 3, alpha: 0.75f, beta: 0.5f, threads: 1, pad: 2);
        AssertMatchesReference(isa, transA, transB, SgemmDriver.MC + 5, 7, 6, alpha: 1, beta: 0, threads: 1, pad: 1);
        AssertMatchesReference(isa, transA, transB, 3, SgemmDriver.NC + 5, 5, alpha: 1, beta: 2, threads: 1, pad: 0);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void ThreadedShapesMatchReference(int threads)
    {
        var directions = new HashSet<bool>();
        foreach (var (m, n, k) in new[] { (131, 257, 131), (257, 131, 131), (200, 301, 67), (67, 900, 67) })
        {
            AssertSplitsIntoSeveralParts(m, n, k, threads);
            foreach (var transA in new[] { false, true })
            {
                foreach (var transB in new[] { false, true })
                {
                    directions.Add(SgemmDriver.SgemmSplit.Choose(transA, transB, false, m, n, k, SgemmMicroKernels.Best, threads).AlongColumns);
                    AssertMatchesReference(SgemmMicroKernels.Best, transA, transB, m, n, k, alpha: 1, beta: -0.5f, threads, pad: 3);
                }
            }
        }

        Assert.Equal(2, directions.Count); // both splits (by rows and by columns) were exercised
    }

    [Fact]
    public void ResultBitsAreTheSameForAnyThreadCountAndEveryCall()
    {
        const int m = 200, n = 301, k = 300;
        var (a, b) = (RandomMatrix(m * k, 1), RandomMatrix(k * n, 2));
        var first = new float[m * n];
        Sgemm.Multiply(false, true, m, n, k, 1, a, k, TransposeCopy(b, k, n), k, 0, first, n, threads: 1);
        foreach (var threads in new[] { 1, 2, 3, 2 })
        {
            AssertSplitsIntoSeveralParts(m, n, k, Math.Max(2, threads));
            var again = new float[m * n];
            Sgemm.Multiply(false, true, m, n, k, 1, a, k, TransposeCopy(b, k, n), k, 0, again, n, threads);
            Assert.Equal(BitsOf(first), BitsOf(again));
        }
    }

    [Fact]
    public void ConcurrentCallersSharingTheWorkerPoolGetTheirOwnExactResults()
    {
        // Callers that find the pool busy run their parts themselves; either way each gets the single-threaded bits.
        const int m = 131, n = 257, k = 131;
        AssertSplitsIntoSeveralParts(m, n, k, 2);
        var inputs = Enumerable.Range(0, 4).Select(i => (A: RandomMatrix(m * k, 10 + i), B: RandomMatrix(k * n, 20 + i))).ToArray();
        var expected = inputs.Select(input =>
        {
            var c = new float[m * n];
            Sgemm.Multiply(false, false, m, n, k, 1, input.A, k, input.B, n, 0, c, n, threads: 1);
            return BitsOf(c);
        }).ToArray();

        Parallel.For(0, inputs.Length * 5, new ParallelOptions { MaxDegreeOfParallelism = 4 }, call =>
        {
            var input = inputs[call % inputs.Length];
            var c = new float[m * n];
            Sgemm.Multiply(false, false, m, n, k, 1, input.A, k, input.B, n, 0, c, n, threads: 2);
            Assert.Equal(expected[call % inputs.Length], BitsOf(c));
        });
    }

    [Theory]
    [MemberData(nameof(KernelsAndTransposes))]
    public void PrepackedBGivesTheSameBitsAsBItself(string isaName, bool transA, bool transB)
    {
        var isa = Enum.Parse<SgemmIsa>(isaName);
        // Edge panels both ways, several k blocks, more columns than one NC block, and the Linear decoder layer's shape.
        foreach (var (m, n, k) in new[] { (37, 71, 29), (12, 32, 7), (157, 97, SgemmDriver.KC + 9), (9, SgemmDriver.NC + 45, 33), (256, 3136, 256) })
        {
            var (lda, ldb) = ((transA ? m : k) + 1, (transB ? k : n) + 2);
            var a = RandomMatrix((transA ? k : m) * lda, 7);
            var b = RandomMatrix((transB ? n : k) * ldb, 8);
            var packedB = Sgemm.PackB(isa, transB, n, k, b, ldb);
            foreach (var threads in new[] { 1, 2 })
            {
                var expected = RandomMatrix(m * n, 9);
                var actual = (float[])expected.Clone();
                Sgemm.Multiply(isa, transA, transB, m, n, k, 0.5f, a, lda, b, ldb, 2, expected, n, threads);
                Sgemm.Multiply(transA, m, 0.5f, a, lda, packedB, 2, actual, n, threads);
                Assert.Equal(BitsOf(expected), BitsOf(actual));
            }
        }
    }

    [Fact]
    public void PrepackedBRejectsOperandsOfTheWrongShape()
    {
        var packedB = Sgemm.PackB(false, 16, 8, new float[8 * 16], 16);
        Assert.ThrowsAny<ArgumentException>(() => Sgemm.Multiply(false, 4, 1, new float[4 * 7], 7, packedB, 0, new float[4 * 16], 16)); // a has 7 columns, B 8 rows
        Assert.ThrowsAny<ArgumentException>(() => Sgemm.Multiply(false, 4, 1, new float[4 * 8], 8, packedB, 0, new float[4 * 15], 16));
        Assert.ThrowsAny<ArgumentException>(() => Sgemm.PackB(true, 16, 8, new float[16 * 8 - 1], 8));
    }

    [Fact]
    public void PanelsReadInPlaceGiveTheSameBitsAsPackedPanels()
    {
        // A transposed and B untransposed are read in place except for their partial last panel; packing them
        // instead must change nothing, and the tail tests above compare the in-place path with the reference.
        foreach (var (m, n, k) in new[] { (37, 71, 29), (12, 32, 7), (157, 97, SgemmDriver.KC + 9) })
        {
            foreach (var (transA, transB) in new[] { (false, false), (true, false), (true, true), (false, true) })
            {
                var (lda, ldb) = ((transA ? m : k) + 1, (transB ? k : n) + 2);
                var a = RandomMatrix((transA ? k : m) * lda, 7);
                var b = RandomMatrix((transB ? n : k) * ldb, 8);
                var inPlace = RandomMatrix(m * n, 9);
                var packed = (float[])inPlace.Clone();
                Sgemm.Multiply(transA, transB, m, n, k, 0.5f, a, lda, b, ldb, 2, inPlace, n);
                try
                {
                    SgemmDriver.ReadInPlace = false;
                    Sgemm.Multiply(transA, transB, m, n, k, 0.5f, a, lda, b, ldb, 2, packed, n);
                }
                finally
                {
                    SgemmDriver.ReadInPlace = true;
                }

                Assert.Equal(BitsOf(packed), BitsOf(inPlace));
            }
        }
    }

    [Fact]
    public void RepeatedCallsDoNotAllocateOnTheCallingThread()
    {
        // Pack buffers are per thread and kept; the fork-join reuses its job object. The counter moves in whole
        // allocation quanta (~8 KiB) when a GC runs mid-measurement, so allow two quanta over 1000 calls: any object
        // allocated per call (24 bytes or more) would add at least 24 KiB.
        const int m = 64, n = 128, k = 257, calls = 1000;
        AssertSplitsIntoSeveralParts(m, n, k, 2);
        var (a, b, c) = (RandomMatrix(m * k, 11), RandomMatrix(k * n, 12), new float[m * n]);
        foreach (var threads in new[] { 1, 2 })
        {
            Sgemm.Multiply(false, true, m, n, k, 1, a, k, b, k, 0, c, n, threads);
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var call = 0; call < calls; call++)
            {
                Sgemm.Multiply(false, true, m, n, k, 1, a, k, b, k, 0, c, n, threads);
            }

            var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.True(allocated < 16 * 1024, $"threads={threads}: {allocated} bytes over {calls} calls");
        }
    }

    [Fact]
    public void BetaZeroNeverReadsC()
    {
        const int m = 19, n = 45, k = 27;
        var (a, b) = (RandomMatrix(m * k, 3), RandomMatrix(k * n, 4));
        var c = Enumerable.Repeat(float.NaN, m * n).ToArray();
        Sgemm.Multiply(false, false, m, n, k, 1, a, k, b, n, 0, c, n);
        Assert.DoesNotContain(c, float.IsNaN);

        var zeroK = Enumerable.Repeat(float.NaN, m * n).ToArray();
        Sgemm.Multiply(false, false, m, n, 0, 1, a, 1, b, n, 0, zeroK, n);
        Assert.All(zeroK, v => Assert.Equal(0f, v));
    }

    [Fact]
    public void ZeroAlphaOrEmptyKOnlyScalesC()
    {
        var c = new float[] { 1, 2, 3, 4, 5, 6 };
        Sgemm.Multiply(false, false, 2, 3, 4, 0, new float[8], 4, new float[12], 3, 3, c, 3);
        Assert.Equal(new float[] { 3, 6, 9, 12, 15, 18 }, c);
        Sgemm.Multiply(true, true, 2, 3, 0, 1, [], 2, [], 1, -1, c, 3);
        Assert.Equal(new float[] { -3, -6, -9, -12, -15, -18 }, c);
    }

    [Fact]
    public void ElementsOutsideTheLeadingDimensionWindowAreUntouched()
    {
        const int m = 10, n = 33, k = 17, ldc = n + 7;
        var (a, b) = (RandomMatrix(m * k, 5), RandomMatrix(k * n, 6));
        var c = Enumerable.Repeat(-7f, m * ldc).ToArray();
        Sgemm.Multiply(false, false, m, n, k, 1, a, k, b, n, 0, c, ldc);
        for (var i = 0; i < m; i++)
        {
            Assert.All(c.AsSpan(i * ldc + n, ldc - n).ToArray(), v => Assert.Equal(-7f, v));
        }
    }

    [Fact]
    public void BadArgumentsAreRejectedClearly()
    {
        var buffer = new float[100];
        Assert.Throws<ArgumentOutOfRangeException>(() => Sgemm.Multiply(false, false, -1, 2, 2, 1, buffer, 2, buffer, 2, 0, buffer, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => Sgemm.Multiply(false, false, 2, 2, 2, 1, buffer, 2, buffer, 2, 0, buffer, 2, threads: 0));
        var lda = Assert.Throws<ArgumentOutOfRangeException>(() => Sgemm.Multiply(false, false, 4, 4, 5, 1, buffer, 4, buffer, 4, 0, buffer, 4));
        Assert.Equal("lda", lda.ParamName);
        var shortB = Assert.Throws<ArgumentException>(() => Sgemm.Multiply(false, true, 4, 30, 5, 1, buffer, 5, buffer, 5, 0, new float[120], 30));
        Assert.Equal("b", shortB.ParamName);
        var shortC = Assert.Throws<ArgumentException>(() => Sgemm.Multiply(false, false, 5, 5, 5, 1, buffer, 5, buffer, 5, 0, new float[24], 5));
        Assert.Equal("c", shortC.ParamName);
    }

    private static void AssertSplitsIntoSeveralParts(int m, int n, int k, int threads)
    {
        var split = SgemmDriver.SgemmSplit.Choose(false, false, false, m, n, k, SgemmMicroKernels.Best, threads);
        Assert.True(split.Parts == threads, $"{m}x{n}x{k} on {threads} threads ran as {split.Parts} part(s); the test would not cover threading.");
    }

    private static void AssertMatchesReference(SgemmIsa isa, bool transA, bool transB, int m, int n, int k,
        float alpha, float beta, int threads, int pad)
    {
        var (aRows, aCols) = transA ? (k, m) : (m, k);
        var (bRows, bCols) = transB ? (n, k) : (k, n);
        var (lda, ldb, ldc) = (aCols + pad, bCols + 2 * pad, n + pad);
        var seed = HashCode.Combine(m, n, k, transA, transB, pad);
        var a = RandomMatrix(aRows * lda, seed);
        var b = RandomMatrix(bRows * ldb, seed + 1);
        var c = beta == 0 ? Enumerable.Repeat(float.NaN, m * ldc).ToArray() : RandomMatrix(m * ldc, seed + 2);
        var expected = (float[])c.Clone();
        SgemmReference.Multiply(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, expected, ldc);
        Sgemm.Multiply(isa, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, threads);

        // Float accumulation in a different order: the error grows with k and with the magnitudes summed (values in [-1, 1]).
        var tolerance = 2e-6f * (k + 8) * (Math.Abs(alpha) + Math.Abs(beta));
        for (var i = 0; i < m; i++)
        {
            for (var j = 0; j < n; j++)
            {
                var (want, got) = (expected[i * ldc + j], c[i * ldc + j]);
                if (!(Math.Abs(want - got) <= tolerance))
                {
                    Assert.Fail($"{isa} transA={transA} transB={transB} {m}x{n}x{k} alpha={alpha} beta={beta} threads={threads} pad={pad}: " +
                                $"C[{i},{j}] = {got}, reference {want}.");
                }
            }
        }
    }

    private static float[] RandomMatrix(int length, int seed)
    {
        var random = new Random(seed);
        var values = new float[length];
        for (var i = 0; i < length; i++)
        {
            values[i] = (float)(random.NextDouble() * 2 - 1);
        }

        return values;
    }

    private static float[] TransposeCopy(float[] source, int rows, int cols)
    {
        var result = new float[source.Length];
        for (var i = 0; i < rows; i++)
        {
            for (var j = 0; j < cols; j++)
            {
                result[j * rows + i] = source[i * cols + j];
            }
        }

        return result;
    }

    private static int[] BitsOf(float[] values) => [.. values.Select(BitConverter.SingleToInt32Bits)];
}
