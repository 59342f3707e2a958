using System.Globalization;
using VaeWorkbench.Engine.Kernels;

namespace VaeWorkbench.Benchmarks;

/// <summary>Quick GFLOP/s figures without BenchmarkDotNet's process spawning, for side-by-side runs with PyTorch.</summary>
internal static class GemmQuick
{
    // args: M N K transA(0|1) transB(0|1) threads [M N K tA tB threads ...], or "kernel KC" for the bare micro-kernel.
    public static int Run(string[] args)
    {
        if (args.Length == 5 && args[0] == "pack")
        {
            return PackOnly(args[1] == "1", int.Parse(args[2], CultureInfo.InvariantCulture), int.Parse(args[3], CultureInfo.InvariantCulture), int.Parse(args[4], CultureInfo.InvariantCulture));
        }

        if (args.Length == 2 && args[0] == "kernel")
        {
            return MicroKernelOnly(int.Parse(args[1], CultureInfo.InvariantCulture));
        }

        if (args.Length == 0 || args.Length % 6 != 0)
        {
            Console.Error.WriteLine("usage: gemm M N K transA transB threads [...]  (transA/transB are 0 or 1)");
            return 2;
        }

        // SGEMM_INPLACE=0 packs every panel (for comparing against reading A-transposed / B panels in place).
        SgemmDriver.ReadInPlace = Environment.GetEnvironmentVariable("SGEMM_INPLACE") != "0";
        for (var i = 0; i < args.Length; i += 6)
        {
            var v = args[i..(i + 6)].Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
            var (gflops, perCore) = SgemmBench.Measure(v[0], v[1], v[2], v[3] != 0, v[4] != 0, v[5]);
            Console.WriteLine(FormattableString.Invariant(
                $"{{\"impl\":\"ours\",\"m\":{v[0]},\"n\":{v[1]},\"k\":{v[2]},\"transA\":{v[3]},\"transB\":{v[4]},\"threads\":{v[5]},\"gflops\":{gflops:F1},\"gflops_per_cpu_s\":{perCore:F1}}}"));
        }

        return 0;
    }

    // The micro-kernel alone on cache-resident packed panels: the ceiling the blocked GEMM can approach.
    private static unsafe int MicroKernelOnly(int kc)
    {
        var isa = SgemmMicroKernels.Best;
        var (mr, nr) = (SgemmMicroKernels.TileRows(isa), SgemmMicroKernels.TileColumns(isa));
        var a = new float[mr * kc];
        var b = new float[nr * kc];
        var c = new float[mr * nr];
        Array.Fill(a, 0.5f);
        Array.Fill(b, 0.25f);
        fixed (float* pa = a, pb = b, pc = c)
        {
            for (var round = 0; round < 5; round++)
            {
                var calls = 0L;
                var cpu = Environment.CpuUsage.TotalTime;
                var watch = System.Diagnostics.Stopwatch.StartNew();
                while (watch.ElapsedMilliseconds < 300)
                {
                    for (var i = 0; i < 100; i++)
                    {
                        SgemmMicroKernels.Run(isa, kc, pa, mr, pb, nr, pc, nr, 1, 0);
                    }

                    calls += 100;
                }

                var flops = 2.0 * mr * nr * kc * calls;
                var cpuSeconds = (Environment.CpuUsage.TotalTime - cpu).TotalSeconds;
                Console.WriteLine(FormattableString.Invariant(
                    $"{{\"kernel\":\"{isa} {mr}x{nr}\",\"kc\":{kc},\"gflops\":{flops / watch.Elapsed.TotalSeconds / 1e9:F1},\"gflops_per_cpu_s\":{flops / cpuSeconds / 1e9:F1}}}"));
            }
        }

        return 0;
    }

    // Packing one kc×cols block of B (transposed or not) from a matrix with row stride ld: floats per CPU-cycle-ish.
    private static unsafe int PackOnly(bool transB, int kc, int cols, int ld)
    {
        var nr = SgemmMicroKernels.TileColumns(SgemmMicroKernels.Best);
        var source = new float[(transB ? cols : kc) * ld];
        var packed = new float[(cols + nr) * kc + 64];
        fixed (float* src = source, dst = packed)
        {
            for (var round = 0; round < 5; round++)
            {
                var calls = 0L;
                var cpu = Environment.CpuUsage.TotalTime;
                var watch = System.Diagnostics.Stopwatch.StartNew();
                while (watch.ElapsedMilliseconds < 300)
                {
                    SgemmPacking.PackB(transB, src, ld, kc, cols, dst, nr);
                    calls++;
                }

                var cpuSeconds = (Environment.CpuUsage.TotalTime - cpu).TotalSeconds;
                Console.WriteLine(FormattableString.Invariant($"pack transB={transB} {kc}x{cols} ld={ld}: {(double)kc * cols * calls / cpuSeconds / 1e9:F2} Gfloat per CPU-s"));
            }
        }

        return 0;
    }
}
