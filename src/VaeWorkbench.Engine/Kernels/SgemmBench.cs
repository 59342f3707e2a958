using System.Diagnostics;

namespace VaeWorkbench.Engine.Kernels;

/// <summary>Throughput of <see cref="Sgemm.Multiply"/> for one shape, for `vae bench` and the GEMM comparison script.</summary>
public static class SgemmBench
{
    /// <summary>
    /// Best-of-several GFLOP/s (2·m·n·k flops per call) of C = op(A)·op(B) on random data, after a warm-up.
    /// Each round repeats the call until it has run for at least <paramref name="roundSeconds"/>.
    /// </summary>
    public static double MeasureGflops(int m, int n, int k, bool transA, bool transB, int threads,
        double roundSeconds = 0.2, int rounds = 5) =>
        Measure(m, n, k, transA, transB, threads, roundSeconds, rounds).BestGflops;

    /// <summary>
    /// The best round's GFLOP/s, and the best round's GFLOP per CPU-second: the second ignores time slices lost to
    /// other processes, so it tracks kernel efficiency on a busy machine (it also counts workers' idle spinning).
    /// A warm-up of one round's length first lets tiered JIT compilation settle.
    /// </summary>
    public static SgemmBenchResult Measure(int m, int n, int k, bool transA, bool transB, int threads,
        double roundSeconds = 0.2, int rounds = 5)
    {
        var random = new Random(42);
        var a = RandomValues(m * k, random);
        var b = RandomValues(k * n, random);
        var c = new float[m * n];
        var (lda, ldb) = (transA ? m : k, transB ? k : n);
        void Call() => Sgemm.Multiply(transA, transB, m, n, k, 1, a, lda, b, ldb, 0, c, n, threads);

        var best = 0.0;
        var bestPerCpuSecond = 0.0;
        for (var round = -1; round < rounds; round++)
        {
            var calls = 0;
            var cpuBefore = Environment.CpuUsage.TotalTime;
            var watch = Stopwatch.StartNew();
            do
            {
                Call();
                calls++;
            }
            while (watch.Elapsed.TotalSeconds < roundSeconds);

            var gflop = 2.0 * m * n * k * calls / 1e9;
            var cpuSeconds = (Environment.CpuUsage.TotalTime - cpuBefore).TotalSeconds;
            if (round >= 0)
            {
                best = Math.Max(best, gflop / watch.Elapsed.TotalSeconds);
                bestPerCpuSecond = Math.Max(bestPerCpuSecond, gflop / Math.Max(cpuSeconds, 1e-9));
            }
        }

        return new SgemmBenchResult(best, bestPerCpuSecond);
    }

    public readonly record struct SgemmBenchResult(double BestGflops, double GflopsPerCpuSecond);

    private static float[] RandomValues(int length, Random random)
    {
        var values = new float[length];
        for (var i = 0; i < length; i++)
        {
            values[i] = (float)(random.NextDouble() * 2 - 1);
        }

        return values;
    }
}
