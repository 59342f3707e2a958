namespace VaeWorkbench.Engine.Data;

/// <summary>The checks every image source makes of its shape and labels, in one place.</summary>
internal static class ImageShape
{
    public static void Check(int count, int channels, int height, int width, int[]? labels)
    {
        if (count <= 0) throw new ArgumentException("a dataset needs at least one image");
        if (channels <= 0 || height <= 0 || width <= 0) throw new ArgumentException($"invalid image shape {channels}x{height}x{width}");
        if (labels is not null && labels.Length != count) throw new ArgumentException($"{count} images but {labels.Length} labels");
    }
}
