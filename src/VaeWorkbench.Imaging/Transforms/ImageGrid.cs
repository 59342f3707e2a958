namespace VaeWorkbench.Imaging.Transforms;

/// <summary>Lays out many same-sized images (the engine's CHW floats) as one picture, for previews and model cards.</summary>
public static class ImageGrid
{
    // images:(N,C,H,W) floats in [0,1] -> one image of rows×columns tiles with a padding gap
    public static Image Compose(ReadOnlySpan<float> images, int count, int channels, int height, int width, int columns, int padding = 2, byte background = 255)
    {
        if (count <= 0 || columns <= 0) throw new ArgumentException("a grid needs at least one image and one column");
        if (channels is not (1 or 3)) throw new ArgumentException($"grid tiles must have 1 or 3 channels, not {channels}");
        var pixels = channels * height * width;
        if (images.Length != count * pixels) throw new ArgumentException($"{count} images of {channels}x{height}x{width} need {count * pixels} values, got {images.Length}");
        var rows = (count + columns - 1) / columns;
        var gridWidth = columns * width + (columns + 1) * padding;
        var gridHeight = rows * height + (rows + 1) * padding;
        var output = new byte[gridWidth * gridHeight * channels];
        Array.Fill(output, background);
        for (var i = 0; i < count; i++)
        {
            var top = padding + i / columns * (height + padding);
            var left = padding + i % columns * (width + padding);
            var tile = TensorConversion.FromChw(images.Slice(i * pixels, pixels), channels, height, width);
            for (var y = 0; y < height; y++)
                tile.Pixels.AsSpan(y * tile.Stride, tile.Stride).CopyTo(output.AsSpan(((top + y) * gridWidth + left) * channels));
        }
        return new Image(gridWidth, gridHeight, channels, output);
    }
}
