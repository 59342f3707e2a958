using System.Numerics.Tensors;
using VaeWorkbench.Engine.Kernels;

namespace VaeWorkbench.Engine.Layers;

/// <summary>y = max(x, 0).</summary>
public sealed class Relu(int size) : Activation(size)
{
    private float[] _output = [];

    // x:(B,N) -> y:(B,N)
    public override float[] Forward(float[] input, int batch)
    {
        CheckBatch(input, batch, InputSize, "input");
        var y = OutputBuffer(batch);
        TensorPrimitives.Max(input.AsSpan(0, Count(batch)), 0f, y.AsSpan(0, Count(batch)));
        _output = y; // Backward masks by y > 0
        return y;
    }

    public override float[] Backward(float[] outputGradient, int batch)
    {
        var dx = InputGradientBuffer(batch);
        ElementWise.Map(new ReluBackwardKernel(), _output.AsSpan(0, Count(batch)), outputGradient.AsSpan(0, Count(batch)), dx.AsSpan(0, Count(batch)));
        return dx;
    }
}
