using VaeWorkbench.Imaging;

namespace VaeWorkbench.Web.Inspection;

/// <summary>Per-pixel |x − x̂| (averaged over channels) as an RGB image on a black → red → yellow → white ramp.</summary>
public static class HeatMap
{
    // x, x̂:(C,H,W) in [0,1] -> RGB image (H,W,3); the ramp spans 0..1 absolute error so maps compare across images.
    public static Image Of(ReadOnlySpan<float> original, ReadOnlySpan<float> reconstruction, int channels, int height, int width)
    {
        var plane = height * width;
        var pixels = new byte[plane * 3];
        for (var i = 0; i < plane; i++)
        {
            float error = 0;
            for (var c = 0; c < channels; c++) error += MathF.Abs(original[c * plane + i] - reconstruction[c * plane + i]);
            var t = Math.Clamp(error / channels, 0f, 1f) * 3;
            pixels[i * 3] = (byte)(255 * Math.Min(t, 1f));
            pixels[i * 3 + 1] = (byte)(255 * Math.Clamp(t - 1, 0f, 1f));
            pixels[i * 3 + 2] = (byte)(255 * Math.Clamp(t - 2, 0f, 1f));
        }
        return new Image(width, height, 3, pixels);
    }

    public static float MaxError(ReadOnlySpan<float> original, ReadOnlySpan<float> reconstruction)
    {
        float max = 0;
        for (var i = 0; i < original.Length; i++) max = MathF.Max(max, MathF.Abs(original[i] - reconstruction[i]));
        return max;
    }
}
