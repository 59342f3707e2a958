using System.Numerics.Tensors;
using VaeWorkbench.Engine.Kernels;

namespace VaeWorkbench.Engine.Layers;

/// <summary>y = tanh(x).</summary>
public sealed class Tanh(int size) : Activation(size)
{
    private float[] _output = [];

    public override float[] Forward(float[] input, int batch)
    {
        CheckBatch(input, batch, InputSize, "input");
        var y = OutputBuffer(batch);
        Apply(input, input, y, Count(batch), static (x, _, d) => TensorPrimitives.Tanh(x, d));
        _output = y; // dy/dx = 1 − y²
        return y;
    }

    public override float[] Backward(float[] outputGradient, int batch)
    {
        var dx = InputGradientBuffer(batch);
        Apply(_output, outputGradient, dx, Count(batch), static (y, dy, d) => ElementWise.Map(new TanhBackwardKernel(), y, dy, d));
        return dx;
    }
}
