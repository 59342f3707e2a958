namespace VaeWorkbench.Engine.Layers;

/// <summary>
/// Moves channels between first (C, H, W), the dataset's layout, and last (H, W, C), the conv layers' layout.
/// Only colour models need it: with one channel both layouts are the same bytes.
/// </summary>
public sealed class ChannelsLast(int channels, int height, int width, bool toLast) : Layer
{
    public int Channels => channels;
    public int Height => height;
    public int Width => width;

    /// <summary>True: (C, H, W) in, (H, W, C) out; false: the reverse.</summary>
    public bool ToLast => toLast;

    public override int InputSize => channels * height * width;
    public override int OutputSize => channels * height * width;

    public override float[] Forward(float[] input, int batch)
    {
        CheckBatch(input, batch, InputSize, "input");
        var y = OutputBuffer(batch);
        Permute(input, y, batch, toLast);
        return y;
    }

    public override float[] Backward(float[] outputGradient, int batch)
    {
        if (!NeedsInputGradient) return [];
        var dx = InputGradientBuffer(batch);
        Permute(outputGradient, dx, batch, !toLast);
        return dx;
    }

    private void Permute(float[] source, float[] destination, int batch, bool firstToLast)
    {
        var plane = height * width;
        for (var b = 0; b < batch; b++)
        {
            var offset = b * InputSize;
            for (var c = 0; c < channels; c++)
            for (var p = 0; p < plane; p++)
            {
                if (firstToLast) destination[offset + p * channels + c] = source[offset + c * plane + p];
                else destination[offset + c * plane + p] = source[offset + p * channels + c];
            }
        }
    }
}
