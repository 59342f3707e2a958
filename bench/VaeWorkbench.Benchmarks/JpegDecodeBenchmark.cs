using System.Runtime.CompilerServices;
using BenchmarkDotNet.Attributes;
using VaeWorkbench.Imaging.Formats.Jpeg;

namespace VaeWorkbench.Benchmarks;

/// <summary>
/// Decoding a 1024x768 4:2:0 quality-90 photo (made with cjpeg from a Debian wallpaper), baseline and progressive.
/// The comparison with djpeg and Pillow in the same run is tests/corpus/JpegConformance's "speed" command.
/// </summary>
[MemoryDiagnoser]
public class JpegDecodeBenchmark
{
    private byte[] _baseline = [];
    private byte[] _progressive = [];

    private static string DataFile(string name, [CallerFilePath] string here = "") =>
        Path.Combine(Path.GetDirectoryName(here)!, "JpegData", name);

    [GlobalSetup]
    public void Setup()
    {
        _baseline = File.ReadAllBytes(DataFile("ladybird_1024x768_q90_420.jpg"));
        _progressive = File.ReadAllBytes(DataFile("ladybird_1024x768_q90_420_progressive.jpg"));
    }

    [Benchmark(Baseline = true)]
    public int Baseline() => JpegDecoder.Decode(_baseline).Pixels.Length;

    [Benchmark]
    public int Progressive() => JpegDecoder.Decode(_progressive).Pixels.Length;
}
