using BenchmarkDotNet.Running;
using VaeWorkbench.Benchmarks;
using VaeWorkbench.Benchmarks.Imaging;

// Quick side-by-side tools first; anything else goes to BenchmarkDotNet.
// `gemm M N K transA transB threads` prints one quick GFLOP/s figure (used by bench/compare_gemm.sh).
if (args.Length > 0 && args[0] == "gemm") return GemmQuick.Run(args[1..]);

// "imaging-vs-native <png>": our PNG decode against pngtopnm and Pillow in the same run (see Imaging/PngVersusNative.cs).
if (args.Length > 0 && args[0] == PngVersusNative.Command) return PngVersusNative.Run(args[1..]);

// "generate-breakdown <model.vae> [count] [threads]": where `vae generate` spends its time, stage by stage.
if (args.Length > 0 && args[0] == GenerationBreakdown.Command) return GenerationBreakdown.Run(args[1..]);

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
