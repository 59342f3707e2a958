namespace VaeWorkbench.Engine.Classification;

/// <summary>
/// The classic label-preserving augmentation of a classifier's training images: a random translation by a few pixels
/// (vacated pixels become 0, the background of the datasets we train on) and an optional left-right mirror.
/// </summary>
public static class ImageJitter
{
    /// <summary>
    /// src:(C,H,W) -> dst:(C,H,W): mirrored left-right first when <paramref name="mirror"/>, then moved right by
    /// <paramref name="dx"/> and down by <paramref name="dy"/> pixels (negative: left, up). dst[c,y,x] = m[c,y−dy,x−dx],
    /// 0 where that falls outside the image.
    /// </summary>
    public static void Apply(ReadOnlySpan<float> src, Span<float> dst, int channels, int height, int width, int dx, int dy, bool mirror)
    {
        var plane = height * width;
        if (src.Length != channels * plane || dst.Length != channels * plane)
            throw new ArgumentException($"expected {channels}x{height}x{width} = {channels * plane} values, got {src.Length} and {dst.Length}");
        dst.Clear();
        // The columns of a destination row that read from inside the source row.
        var (firstX, endX) = (Math.Max(0, dx), Math.Min(width, width + dx));
        for (var c = 0; c < channels; c++)
        {
            for (var y = 0; y < height; y++)
            {
                var sy = y - dy;
                if (sy < 0 || sy >= height) continue;
                var source = src.Slice(c * plane + sy * width, width);
                var target = dst.Slice(c * plane + y * width, width);
                for (var x = firstX; x < endX; x++)
                {
                    var sx = x - dx;
                    target[x] = source[mirror ? width - 1 - sx : sx];
                }
            }
        }
    }

    /// <summary>A random draw of <see cref="Apply"/>'s arguments: shifts uniform in [−maxShift, maxShift], a mirror with probability ½ when allowed.</summary>
    public static (int Dx, int Dy, bool Mirror) Draw(Rng rng, int maxShift, bool allowMirror)
    {
        var dx = maxShift == 0 ? 0 : rng.NextInt(2 * maxShift + 1) - maxShift;
        var dy = maxShift == 0 ? 0 : rng.NextInt(2 * maxShift + 1) - maxShift;
        return (dx, dy, allowMirror && rng.NextInt(2) == 1);
    }
}
