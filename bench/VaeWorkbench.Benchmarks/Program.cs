using BenchmarkDotNet.Running;
using VaeWorkbench.Benchmarks;

// `gemm M N K transA transB threads` prints one quick GFLOP/s figure (used by bench/compare_gemm.sh);
// anything else goes to BenchmarkDotNet.
if (args.Length > 0 && args[0] == "gemm")
{
    return GemmQuick.Run(args[1..]);
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
