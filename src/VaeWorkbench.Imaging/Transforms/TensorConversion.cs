namespace VaeWorkbench.Imaging.Transforms;

/// <summary>
/// Converts between <see cref="Image"/> and the engine's float layout: channels-first (C, H, W), values in [0, 1].
/// Plain float arrays, so Imaging does not depend on the engine.
/// </summary>
public static class TensorConversion
{
    // image:(H,W,C) bytes -> (C,H,W) floats v/255
    public static float[] ToChw(Image image)
    {
        var result = new float[image.Pixels.Length];
        WriteChw(image, result);
        return result;
    }

    /// <summary>Writes into a caller's buffer (for example one row of a batch) of exactly C·H·W floats.</summary>
    public static void WriteChw(Image image, Span<float> destination)
    {
        var plane = image.Width * image.Height;
        var ch = image.Channels;
        if (destination.Length != plane * ch)
            throw new ArgumentException($"destination holds {destination.Length} floats, the image needs {plane * ch}", nameof(destination));
        var src = image.Pixels;
        for (var c = 0; c < ch; c++)
            for (var i = 0; i < plane; i++)
                destination[c * plane + i] = src[i * ch + c] / 255f;
    }

    // (C,H,W) floats -> image:(H,W,C) bytes, clamped to [0,1] and rounded to nearest
    public static Image FromChw(ReadOnlySpan<float> data, int channels, int height, int width)
    {
        var plane = width * height;
        if (channels is < 1 or > 4) throw new ArgumentOutOfRangeException(nameof(channels), channels, "channels must be 1 to 4");
        if (data.Length != plane * channels)
            throw new ArgumentException($"tensor holds {data.Length} floats, {channels}x{height}x{width} needs {plane * channels}", nameof(data));
        var planar = new byte[plane * channels];
        UnitFloatToByte.Convert(data, planar);
        if (channels == 1) return new Image(width, height, 1, planar);
        var pixels = new byte[plane * channels];
        for (var c = 0; c < channels; c++)
            for (var i = 0; i < plane; i++) pixels[i * channels + c] = planar[c * plane + i];
        return new Image(width, height, channels, pixels);
    }
}
