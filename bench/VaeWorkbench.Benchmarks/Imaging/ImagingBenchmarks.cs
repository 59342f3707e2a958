using BenchmarkDotNet.Attributes;
using VaeWorkbench.Imaging;
using VaeWorkbench.Imaging.Formats.Png;
using VaeWorkbench.Imaging.Transforms;

namespace VaeWorkbench.Benchmarks.Imaging;

/// <summary>PNG decode/encode of a 1024x768 RGB image with photo-like content, and normalisation to a 28x28 training image.</summary>
[MemoryDiagnoser]
public class ImagingBenchmarks
{
    private byte[] _png = [];
    private Image _image = null!;

    [GlobalSetup]
    public void Setup()
    {
        // Smooth gradients plus mild noise: filters and deflate behave as on a photograph, unlike pure noise.
        const int width = 1024, height = 768;
        var random = new Random(1);
        var pixels = new byte[width * height * 3];
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
                for (var c = 0; c < 3; c++)
                    pixels[(y * width + x) * 3 + c] = (byte)Math.Clamp((x * (c + 1) / 5 + y / 4 + 60 * Math.Sin((x + y * c) / 50.0)) % 256 + random.Next(-3, 4), 0, 255);
        _image = new Image(width, height, 3, pixels);
        _png = PngEncoder.Encode(_image);
    }

    [Benchmark]
    public Image DecodePng1024x768Rgb() => PngDecoder.Decode(_png);

    [Benchmark]
    public byte[] EncodePng1024x768Rgb() => PngEncoder.Encode(_image);

    [Benchmark]
    public Image NormalizeTo28Grey() => ImageNormalizer.Normalize(_image, new NormalizeOptions { Size = 28, Channels = 1 });
}
