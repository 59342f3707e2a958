namespace VaeWorkbench.Imaging;

/// <summary>
/// A decoded raster at its native precision: samples from 0 to <see cref="MaxValue"/> (up to 65535), interleaved,
/// rows top to bottom. Used where 8 bits would lose information, such as 16-bit PNG and PNM conformance checks;
/// everything else works on the 8-bit <see cref="Image"/> that <see cref="ToImage"/> produces.
/// </summary>
public sealed class SampleImage
{
    public SampleImage(int width, int height, int channels, int maxValue, ushort[] samples)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        if (channels is < 1 or > 4) throw new ArgumentOutOfRangeException(nameof(channels), channels, "channels must be 1 to 4");
        if (maxValue is < 1 or > 65535) throw new ArgumentOutOfRangeException(nameof(maxValue), maxValue, "max value must be 1 to 65535");
        if (samples.LongLength != (long)width * height * channels)
            throw new ArgumentException($"sample buffer holds {samples.LongLength} values, expected {(long)width * height * channels}", nameof(samples));
        Width = width;
        Height = height;
        Channels = channels;
        MaxValue = maxValue;
        Samples = samples;
    }

    public int Width { get; }

    public int Height { get; }

    public int Channels { get; }

    public int MaxValue { get; }

    public ushort[] Samples { get; }

    /// <summary>Rescales every sample to 8 bits, rounding to nearest (for 16-bit input this equals libpng's png_set_scale_16).</summary>
    public Image ToImage()
    {
        var pixels = new byte[Samples.Length];
        for (var i = 0; i < pixels.Length; i++) pixels[i] = ScaleTo8(Samples[i], MaxValue);
        return new Image(Width, Height, Channels, pixels);
    }

    /// <summary>value·255/max rounded to nearest; exact bit replication for 1, 2 and 4-bit samples.</summary>
    public static byte ScaleTo8(int value, int maxValue) => maxValue switch
    {
        255 => (byte)value,
        65535 => (byte)((value * 255L + 32895) >> 16),
        _ => (byte)((value * 255L + maxValue / 2) / maxValue),
    };
}
