using BenchmarkDotNet.Attributes;
using VaeWorkbench.Engine.Kernels;

namespace VaeWorkbench.Benchmarks;

/// <summary>
/// SGEMM at 1024³ and at the shapes one `mlp` training step runs (batch 128), on 1 and 2 threads.
/// Run: dotnet run -c Release --project bench/VaeWorkbench.Benchmarks -- --filter '*SgemmBenchmarks*'
/// GFLOP/s = 2·M·N·K / mean time. For a ratio against PyTorch in the same run use bench/compare_gemm.sh.
/// </summary>
// In-process: the measured code runs with this host's JIT settings (TieredCompilation off, as in `vae`), not a child's.
[InProcess]
[MemoryDiagnoser]
public class SgemmBenchmarks
{
    private float[] _a = [];
    private float[] _b = [];
    private float[] _c = [];

    // "M N K transA transB"
    [Params("1024 1024 1024 N N", "128 400 784 N T", "128 784 400 N T", "128 400 784 N N", "400 784 128 T N", "128 20 400 N T")]
    public string Shape { get; set; } = "";

    [Params(1, 2)]
    public int Threads { get; set; }

    private int _m, _n, _k;
    private bool _transA, _transB;

    [GlobalSetup]
    public void Setup()
    {
        var parts = Shape.Split(' ');
        (_m, _n, _k) = (Parse(parts[0]), Parse(parts[1]), Parse(parts[2]));
        (_transA, _transB) = (parts[3] == "T", parts[4] == "T");
                var random = new Random(42);
        _a = [.. Enumerable.Range(0, _m * _k).Select(_ => (float)random.NextDouble() - 0.5f)];
        _b = [.. Enumerable.Range(0, _k * _n).Select(_ => (float)random.NextDouble() - 0.5f)];
        _c = new float[_m * _n];
    }

    [Benchmark]
    public void Multiply()
    {
        var (m, n, k) = (_m, _n, _k);
        Sgemm.Multiply(_transA, _transB, m, n, k, 1, _a, _transA ? m : k, _b, _transB ? k : n, 0, _c, n, Threads);
    }

    private static int Parse(string text) => int.Parse(text, System.Globalization.CultureInfo.InvariantCulture);
}
