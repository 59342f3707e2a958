namespace VaeWorkbench.Imaging.Transforms;

/// <summary>
/// Separable resizing. Along an axis that shrinks, each output sample is the area average of the source samples it
/// covers (fractional coverage weighted); along an axis that grows, it is bilinear interpolation between the two
/// nearest source samples (pixel centres aligned, edges clamped). Channels, alpha included, are filtered independently.
/// </summary>
public static class Resampler
{
    public static Image Resize(Image image, int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        if (width == image.Width && height == image.Height) return image;
        var ch = image.Channels;
        var columns = Weights(image.Width, width);
        var rows = Weights(image.Height, height);

        // Horizontal pass: (H, W, C) -> (H, width, C), kept in float to avoid double rounding.
        var horizontal = new float[image.Height * width * ch];
        for (var y = 0; y < image.Height; y++)
        {
            var srcRow = y * image.Width * ch;
            var destRow = y * width * ch;
            for (var x = 0; x < width; x++)
                foreach (var (index, weight) in columns[x])
                    for (var c = 0; c < ch; c++)
                        horizontal[destRow + x * ch + c] += image.Pixels[srcRow + index * ch + c] * weight;
        }

        // Vertical pass: (H, width, C) -> (height, width, C).
        var output = new byte[height * width * ch];
        var accumulator = new float[width * ch];
        for (var y = 0; y < height; y++)
        {
            Array.Clear(accumulator);
            foreach (var (index, weight) in rows[y])
                for (var i = 0; i < accumulator.Length; i++)
                    accumulator[i] += horizontal[index * width * ch + i] * weight;
            for (var i = 0; i < accumulator.Length; i++)
                output[y * width * ch + i] = (byte)Math.Clamp(MathF.Round(accumulator[i]), 0, 255);
        }
        return new Image(width, height, ch, output);
    }

    /// <summary>For each output sample, the source samples and weights (summing to 1) that make it.</summary>
    internal static (int Index, float Weight)[][] Weights(int source, int target)
    {
        var result = new (int, float)[target][];
        var scale = (double)source / target;
        for (var j = 0; j < target; j++)
        {
            if (target <= source)
            {
                // Area average over the source interval [j·scale, (j+1)·scale).
                var start = j * scale;
                var end = (j + 1) * scale;
                var list = new List<(int, float)>();
                for (var i = (int)Math.Floor(start); i < Math.Min(source, (int)Math.Ceiling(end)); i++)
                {
                    var overlap = Math.Min(end, i + 1) - Math.Max(start, i);
                    if (overlap > 1e-9) list.Add((i, (float)(overlap / scale)));
                }
                result[j] = [.. list];
            }
            else
            {
                var centre = Math.Clamp((j + 0.5) * scale - 0.5, 0, source - 1);
                var left = (int)Math.Floor(centre);
                var right = Math.Min(left + 1, source - 1);
                var t = (float)(centre - left);
                result[j] = right == left || t == 0 ? [(left, 1f)] : [(left, 1 - t), (right, t)];
            }
        }
        return result;
    }
}
