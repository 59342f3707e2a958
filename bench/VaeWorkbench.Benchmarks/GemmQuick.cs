using System.Globalization;
using VaeWorkbench.Engine.Kernels;

namespace VaeWorkbench.Benchmarks;

/// <summary>Quick GFLOP/s figures without BenchmarkDotNet's process spawning, for side-by-side runs with PyTorch.</summary>
internal static class GemmQuick
{
    // args: M N K transA(0|1) transB(0|1) threads [M N K tA tB threads ...]
    public static int Run(string[] args)
    {
        if (args.Length == 0 || args.Length % 6 != 0)
        {
            Console.Error.WriteLine("usage: gemm M N K transA transB threads [...]  (transA/transB are 0 or 1)");
            return 2;
        }

        for (var i = 0; i < args.Length; i += 6)
        {
            var v = args[i..(i + 6)].Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
            var (gflops, perCore) = SgemmBench.Measure(v[0], v[1], v[2], v[3] != 0, v[4] != 0, v[5]);
            Console.WriteLine(FormattableString.Invariant(
                $"{{\"impl\":\"ours\",\"m\":{v[0]},\"n\":{v[1]},\"k\":{v[2]},\"transA\":{v[3]},\"transB\":{v[4]},\"threads\":{v[5]},\"gflops\":{gflops:F1},\"gflops_per_cpu_s\":{perCore:F1}}}"));
        }

        return 0;
    }
}
