namespace VaeWorkbench.Engine.Data;

/// <summary>Reading helpers every <see cref="IImageSource"/> gets: ranges, single images, per-batch labels.</summary>
public static class ImageSourceExtensions
{
    /// <summary>Images [start, start + n) -> pixels:(n, P).</summary>
    public static void ReadRange(this IImageSource source, int start, int n, Span<float> pixels)
    {
        if (start < 0 || n < 0 || start + n > source.Count)
            throw new ArgumentOutOfRangeException(nameof(n), $"images [{start}, {start + n}) are outside 0..{source.Count}");
        Span<int> indices = n <= 256 ? stackalloc int[n] : new int[n];
        for (var i = 0; i < n; i++) indices[i] = start + i;
        source.Gather(indices, pixels[..(n * source.PixelCount)]);
    }

    /// <summary>One image's pixels as a new array.</summary>
    public static float[] ReadImage(this IImageSource source, int index)
    {
        if ((uint)index >= (uint)source.Count) throw new ArgumentOutOfRangeException(nameof(index), $"image {index} is outside 0..{source.Count - 1}");
        var pixels = new float[source.PixelCount];
        source.Gather([index], pixels);
        return pixels;
    }

    /// <summary>The chosen images as a float dataset in memory (for small selections: a preview, a filter's reference).</summary>
    public static ImageDataset Select(this IImageSource source, ReadOnlySpan<int> indices)
    {
        var pixels = new float[(long)indices.Length * source.PixelCount];
        source.Gather(indices, pixels);
        int[]? labels = null;
        if (source.Labels is { } all)
        {
            labels = new int[indices.Length];
            for (var i = 0; i < indices.Length; i++) labels[i] = all[indices[i]];
        }
        return new ImageDataset(pixels, indices.Length, source.Channels, source.Height, source.Width, labels);
    }

    /// <summary>labels:(n) for the batch's indices: the class the conditional model sees per image (−1 without classes).</summary>
    public static void GatherLabels(this IImageSource source, ReadOnlySpan<int> indices, Span<int> labels)
    {
        if (source.Labels is not { } all)
        {
            labels[..indices.Length].Fill(-1);
            return;
        }
        for (var i = 0; i < indices.Length; i++) labels[i] = all[indices[i]];
    }

    /// <summary>Consecutive chunks of at most <paramref name="chunk"/> images, each as (start, n, pixels:(n,P)); the buffer is reused.</summary>
    public static IEnumerable<(int Start, int Count, float[] Pixels)> Chunks(this IImageSource source, int chunk)
    {
        if (chunk <= 0) throw new ArgumentOutOfRangeException(nameof(chunk), "a chunk holds at least one image");
        var buffer = new float[(long)Math.Min(chunk, source.Count) * source.PixelCount];
        for (var start = 0; start < source.Count; start += chunk)
        {
            var n = Math.Min(chunk, source.Count - start);
            source.ReadRange(start, n, buffer);
            yield return (start, n, buffer);
        }
    }

    internal static void CheckGather(IImageSource source, ReadOnlySpan<int> indices, Span<float> pixels)
    {
        if (pixels.Length < (long)indices.Length * source.PixelCount)
            throw new ArgumentException($"{indices.Length} images need {(long)indices.Length * source.PixelCount} floats, the buffer holds {pixels.Length}");
        foreach (var index in indices)
            if ((uint)index >= (uint)source.Count) throw new ArgumentOutOfRangeException(nameof(indices), $"image {index} is outside 0..{source.Count - 1}");
    }
}
