using VaeWorkbench.Engine.Kernels;

namespace VaeWorkbench.Engine.Data;

/// <summary>
/// Images held as 8-bit pixels in memory, a quarter of the floats' size, converted to floats in [0, 1] per batch as it
/// is drawn (value / 255, bit-identical to <see cref="ImageDataset.FromBytes"/>). Layout: (Count, C, H, W) bytes.
/// </summary>
public sealed class ByteImageSet : IImageSource
{
    private readonly byte[] _pixels;

    public ByteImageSet(byte[] pixels, int count, int channels, int height, int width, int[]? labels = null)
    {
        ImageShape.Check(count, channels, height, width, labels);
        if (pixels.LongLength != (long)count * channels * height * width)
            throw new ArgumentException($"{count} images of {channels}x{height}x{width} need {(long)count * channels * height * width} bytes, got {pixels.LongLength}");
        _pixels = pixels;
        Count = count;
        Channels = channels;
        Height = height;
        Width = width;
        Labels = labels;
    }

    public int Count { get; }
    public int Channels { get; }
    public int Height { get; }
    public int Width { get; }
    public int PixelCount => Channels * Height * Width;
    public int[]? Labels { get; }
    public IReadOnlyList<ImageBlock> Blocks => [new ImageBlock(0, Count)];
    public int WindowBlocks => 1;

    /// <summary>One image's bytes, (C, H, W).</summary>
    public ReadOnlySpan<byte> ImageBytes(int index) => _pixels.AsSpan((int)((long)index * PixelCount), PixelCount);

    public void Gather(ReadOnlySpan<int> indices, Span<float> pixels)
    {
        ImageSourceExtensions.CheckGather(this, indices, pixels);
        var p = PixelCount;
        for (var i = 0; i < indices.Length; i++) ByteToUnitFloat.Convert(ImageBytes(indices[i]), pixels.Slice(i * p, p));
    }
}
