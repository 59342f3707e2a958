using System.Numerics.Tensors;
using VaeWorkbench.Engine.Kernels;

namespace VaeWorkbench.Engine.Layers;

/// <summary>y = 1 / (1 + e^−x).</summary>
public sealed class Sigmoid(int size) : Activation(size)
{
    private float[] _output = [];

    public override float[] Forward(float[] input, int batch)
    {
        CheckBatch(input, batch, InputSize, "input");
        var y = OutputBuffer(batch);
        TensorPrimitives.Sigmoid(input.AsSpan(0, Count(batch)), y.AsSpan(0, Count(batch)));
        _output = y; // dy/dx = y(1 − y)
        return y;
    }

    public override float[] Backward(float[] outputGradient, int batch)
    {
        var dx = InputGradientBuffer(batch);
        ElementWise.Map(new SigmoidBackwardKernel(), _output.AsSpan(0, Count(batch)), outputGradient.AsSpan(0, Count(batch)), dx.AsSpan(0, Count(batch)));
        return dx;
    }
}
