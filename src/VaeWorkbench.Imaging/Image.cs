namespace VaeWorkbench.Imaging;

/// <summary>
/// A decoded raster: 8-bit samples, interleaved, rows top to bottom with no padding.
/// Channels is 1 (grey), 2 (grey + alpha), 3 (RGB) or 4 (RGBA).
/// </summary>
public sealed class Image
{
    public Image(int width, int height, int channels, byte[] pixels)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        if (channels is < 1 or > 4) throw new ArgumentOutOfRangeException(nameof(channels), channels, "channels must be 1 to 4");
        if (pixels.LongLength != (long)width * height * channels)
            throw new ArgumentException($"pixel buffer holds {pixels.LongLength} bytes, expected {(long)width * height * channels}", nameof(pixels));
        Width = width;
        Height = height;
        Channels = channels;
        Pixels = pixels;
    }

    public int Width { get; }

    public int Height { get; }

    public int Channels { get; }

    public byte[] Pixels { get; }

    public bool HasAlpha => Channels is 2 or 4;

    public int Stride => Width * Channels;
}
