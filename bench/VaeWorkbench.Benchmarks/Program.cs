using BenchmarkDotNet.Running;
using VaeWorkbench.Benchmarks.Imaging;

// "imaging-vs-native <png>": our PNG decode against pngtopnm and Pillow in the same run (see Imaging/PngVersusNative.cs).
if (args.Length > 0 && args[0] == PngVersusNative.Command) return PngVersusNative.Run(args[1..]);

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
