namespace VaeWorkbench.Imaging.Transforms;

/// <summary>An opaque colour, used as the background that transparent pixels are composited over.</summary>
public readonly record struct Rgb(byte R, byte G, byte B)
{
    public static Rgb White => new(255, 255, 255);

    public static Rgb Black => new(0, 0, 0);
}

/// <summary>Channel conversions: drop alpha by compositing over a background, and convert between grey and RGB.</summary>
public static class ColorConversion
{
    /// <summary>ITU-R BT.601 luma in 16.16 fixed point, the weights Pillow's "L" conversion uses.</summary>
    public static byte Luma(byte r, byte g, byte b) => (byte)((r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16);

    /// <summary>Converts to 1 (grey) or 3 (RGB) channels; any alpha is composited over <paramref name="background"/> first.</summary>
    public static Image ToChannels(Image image, int channels, Rgb background)
    {
        if (channels is not (1 or 3)) throw new ArgumentOutOfRangeException(nameof(channels), channels, "target must be 1 (grey) or 3 (RGB) channels");
        var opaque = CompositeOver(image, background);
        if (opaque.Channels == channels) return opaque;
        var count = opaque.Width * opaque.Height;
        var src = opaque.Pixels;
        var dest = new byte[count * channels];
        if (channels == 1)
            for (var i = 0; i < count; i++) dest[i] = Luma(src[3 * i], src[3 * i + 1], src[3 * i + 2]);
        else
            for (var i = 0; i < count; i++) dest[3 * i] = dest[3 * i + 1] = dest[3 * i + 2] = src[i];
        return new Image(opaque.Width, opaque.Height, channels, dest);
    }

    public static Image ToGrey(Image image, Rgb background) => ToChannels(image, 1, background);

    public static Image ToRgb(Image image, Rgb background) => ToChannels(image, 3, background);

    /// <summary>Expands to RGBA without blending: grey is repeated into R, G and B; missing alpha becomes opaque.</summary>
    public static Image ToRgba(Image image)
    {
        if (image.Channels == 4) return image;
        var count = image.Width * image.Height;
        var src = image.Pixels;
        var ch = image.Channels;
        var rgba = new byte[count * 4];
        for (var i = 0; i < count; i++)
        {
            var colour = ch >= 3;
            rgba[4 * i] = src[i * ch];
            rgba[4 * i + 1] = src[i * ch + (colour ? 1 : 0)];
            rgba[4 * i + 2] = src[i * ch + (colour ? 2 : 0)];
            rgba[4 * i + 3] = ch == 2 ? src[i * ch + 1] : (byte)255;
        }
        return new Image(image.Width, image.Height, 4, rgba);
    }

    /// <summary>
    /// Blends every pixel over an opaque background (out = a·c + (1-a)·bg, rounded) and drops the alpha channel.
    /// Grey+alpha composites over the background's luma. Images without alpha are returned as they are.
    /// </summary>
    public static Image CompositeOver(Image image, Rgb background)
    {
        if (!image.HasAlpha) return image;
        var colour = image.Channels - 1;
        var count = image.Width * image.Height;
        var src = image.Pixels;
        var dest = new byte[count * colour];
        Span<byte> bg = colour == 1 ? [Luma(background.R, background.G, background.B)] : [background.R, background.G, background.B];
        for (var i = 0; i < count; i++)
        {
            var a = src[i * image.Channels + colour];
            for (var c = 0; c < colour; c++)
                dest[i * colour + c] = (byte)((src[i * image.Channels + c] * a + bg[c] * (255 - a) + 127) / 255);
        }
        return new Image(image.Width, image.Height, colour, dest);
    }
}
