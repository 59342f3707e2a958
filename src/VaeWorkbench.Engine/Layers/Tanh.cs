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
        TensorPrimitives.Tanh(input.AsSpan(0, Count(batch)), y.AsSpan(0, Count(batch)));
        _output = y; // dy/dx = 1 − y²
        return y;
    }

    public override float[] Backward(float[] outputGradient, int batch)
    {
        var dx = InputGradientBuffer(batch);
        ElementWise.Map(new TanhBackwardKernel(), _output.AsSpan(0, Count(batch)), outputGradient.AsSpan(0, Count(batch)), dx.AsSpan(0, Count(batch)));
        return dx;
    }
}
