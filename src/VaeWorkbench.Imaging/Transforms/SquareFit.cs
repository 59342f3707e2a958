namespace VaeWorkbench.Imaging.Transforms;

/// <summary>How a non-square image becomes square.</summary>
public enum SquareMode
{
    /// <summary>Keep the centre square, cutting off the longer side's ends.</summary>
    CenterCrop,

    /// <summary>Keep everything, filling the shorter side's ends with the background colour.</summary>
    Pad,
}

/// <summary>Makes images square at a training size such as 28, 32 or 64.</summary>
public static class SquareFit
{
    public static Image CenterCrop(Image image)
    {
        var side = Math.Min(image.Width, image.Height);
        return Crop(image, (image.Width - side) / 2, (image.Height - side) / 2, side, side);
    }

    /// <summary>Centres the image on a square of the longer side, filled with <paramref name="background"/> (opaque if the image has alpha).</summary>
    public static Image Pad(Image image, Rgb background)
    {
        var side = Math.Max(image.Width, image.Height);
        if (side == image.Width && side == image.Height) return image;
        var ch = image.Channels;
        Span<byte> fill = ch switch
        {
            1 => [ColorConversion.Luma(background.R, background.G, background.B)],
            2 => [ColorConversion.Luma(background.R, background.G, background.B), 255],
            3 => [background.R, background.G, background.B],
            _ => [background.R, background.G, background.B, 255],
        };
        var pixels = new byte[side * side * ch];
        for (var i = 0; i < side * side; i++) fill.CopyTo(pixels.AsSpan(i * ch));
        var left = (side - image.Width) / 2;
        var top = (side - image.Height) / 2;
        for (var y = 0; y < image.Height; y++)
            image.Pixels.AsSpan(y * image.Stride, image.Stride).CopyTo(pixels.AsSpan(((top + y) * side + left) * ch));
        return new Image(side, side, ch, pixels);
    }

    /// <summary>Squares the image with <paramref name="mode"/>, then resizes it to <paramref name="size"/>×<paramref name="size"/>.</summary>
    public static Image ToSquare(Image image, int size, SquareMode mode, Rgb background)
    {
        var square = mode == SquareMode.CenterCrop ? CenterCrop(image) : Pad(image, background);
        return Resampler.Resize(square, size, size);
    }

    public static Image Crop(Image image, int x, int y, int width, int height)
    {
        if (x < 0 || y < 0 || width <= 0 || height <= 0 || x + width > image.Width || y + height > image.Height)
            throw new ArgumentOutOfRangeException(nameof(width), $"crop {width}x{height} at ({x},{y}) is outside the {image.Width}x{image.Height} image");
        if (x == 0 && y == 0 && width == image.Width && height == image.Height) return image;
        var ch = image.Channels;
        var pixels = new byte[width * height * ch];
        for (var row = 0; row < height; row++)
            image.Pixels.AsSpan(((y + row) * image.Width + x) * ch, width * ch).CopyTo(pixels.AsSpan(row * width * ch));
        return new Image(width, height, ch, pixels);
    }
}
