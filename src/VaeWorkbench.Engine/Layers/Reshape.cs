namespace VaeWorkbench.Engine.Layers;

/// <summary>
/// Changes how a sample's floats are read without moving them (samples are stored flat), so Forward and Backward pass
/// buffers through. It records the target shape for model descriptions and checks the sizes agree.
/// </summary>
public class Reshape : Layer
{
    private readonly int _size;

    public Reshape(int inputSize, params int[] shape)
    {
        var size = 1;
        foreach (var d in shape) size = checked(size * d);
        if (size != inputSize) throw new ArgumentException($"cannot reshape {inputSize} values to ({string.Join(", ", shape)})");
        _size = inputSize;
        Shape = shape;
    }

    public int[] Shape { get; }
    public override int InputSize => _size;
    public override int OutputSize => _size;

    public override float[] Forward(float[] input, int batch)
    {
        CheckBatch(input, batch, _size, "input");
        return input;
    }

    public override float[] Backward(float[] outputGradient, int batch) => outputGradient;
}

/// <summary>(C, H, W) or (H, W, C) per sample -> one vector of C·H·W.</summary>
public sealed class Flatten(int inputSize) : Reshape(inputSize, inputSize);
