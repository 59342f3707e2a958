namespace VaeWorkbench.Engine.Data;

/// <summary>
/// Images for the engine: <see cref="Count"/> samples of (C, H, W) floats in [0, 1], row-major, channels first,
/// with optional integer labels. The engine knows nothing of file formats; the CLI and web app decode into this.
/// </summary>
public sealed class ImageDataset : IImageSource
{
    public ImageDataset(float[] pixels, int count, int channels, int height, int width, int[]? labels = null)
    {
        if (count <= 0) throw new ArgumentException("a dataset needs at least one image");
        if (channels <= 0 || height <= 0 || width <= 0) throw new ArgumentException($"invalid image shape {channels}x{height}x{width}");
        var pixelCount = (long)channels * height * width;
        if (pixels.LongLength != count * pixelCount)
            throw new ArgumentException($"{count} images of {channels}x{height}x{width} need {count * pixelCount} values, got {pixels.LongLength}");
        if (labels is not null && labels.Length != count)
            throw new ArgumentException($"{count} images but {labels.Length} labels");
        Pixels = pixels;
        Count = count;
        Channels = channels;
        Height = height;
        Width = width;
        Labels = labels;
    }

    public float[] Pixels { get; }
    public int Count { get; }
    public int Channels { get; }
    public int Height { get; }
    public int Width { get; }
    public int PixelCount => Channels * Height * Width;
    public int[]? Labels { get; }

    public ReadOnlySpan<float> Image(int index) => Pixels.AsSpan(index * PixelCount, PixelCount);

    public IReadOnlyList<ImageBlock> Blocks => [new ImageBlock(0, Count)];
    public int WindowBlocks => 1;

    public void Gather(ReadOnlySpan<int> indices, Span<float> pixels)
    {
        ImageSourceExtensions.CheckGather(this, indices, pixels);
        for (var i = 0; i < indices.Length; i++) Image(indices[i]).CopyTo(pixels.Slice(i * PixelCount, PixelCount));
    }

    /// <summary>Images [start, start + count) as a new dataset (copies the pixels).</summary>
    public ImageDataset Slice(int start, int count)
    {
        if (start < 0 || count <= 0 || start + count > Count) throw new ArgumentOutOfRangeException(nameof(count), $"slice [{start}, {start + count}) is outside 0..{Count}");
        return new ImageDataset(Pixels.AsSpan(start * PixelCount, count * PixelCount).ToArray(), count, Channels, Height, Width, Labels?.AsSpan(start, count).ToArray());
    }

    /// <summary>Converts 8-bit pixels (value / 255).</summary>
    public static ImageDataset FromBytes(ReadOnlySpan<byte> bytes, int count, int channels, int height, int width, int[]? labels = null)
    {
        var pixels = new float[bytes.Length];
        Kernels.ByteToUnitFloat.Convert(bytes, pixels);
        return new ImageDataset(pixels, count, channels, height, width, labels);
    }
}
