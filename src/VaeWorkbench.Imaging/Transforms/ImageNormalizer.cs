namespace VaeWorkbench.Imaging.Transforms;

/// <summary>The shape every image of a dataset is brought to before training.</summary>
public sealed record NormalizeOptions
{
    /// <summary>Side of the square training image: usually 28, 32 or 64.</summary>
    public int Size { get; init; } = 28;

    /// <summary>1 (grey) or 3 (RGB).</summary>
    public int Channels { get; init; } = 1;

    public SquareMode SquareMode { get; init; } = SquareMode.CenterCrop;

    /// <summary>What transparent pixels and padding become.</summary>
    public Rgb Background { get; init; } = Rgb.White;
}

/// <summary>Brings any decoded image to a dataset's training shape: composite alpha, set channels, square, resize.</summary>
public static class ImageNormalizer
{
    public static Image Normalize(Image image, NormalizeOptions options)
    {
        if (options.Size is < 1 or > 4096) throw new ArgumentOutOfRangeException(nameof(options), options.Size, "size must be 1 to 4096");
        var converted = ColorConversion.ToChannels(image, options.Channels, options.Background);
        return SquareFit.ToSquare(converted, options.Size, options.SquareMode, options.Background);
    }
}
