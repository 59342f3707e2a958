using System.Numerics.Tensors;
using VaeWorkbench.Engine.Kernels;

namespace VaeWorkbench.Engine.Layers;

/// <summary>y = x·σ(x) (also called swish).</summary>
public sealed class Silu(int size) : Activation(size)
{
    private float[] _input = [];
    private float[] _sigmoid = [];

    public override float[] Forward(float[] input, int batch)
    {
        CheckBatch(input, batch, InputSize, "input");
        var n = Count(batch);
        _input = input; // Backward needs x and σ(x)
        var s = Grow(ref _sigmoid, n).AsSpan(0, n);
        ElementWise.Map(new LogisticKernel(), input.AsSpan(0, n), input.AsSpan(0, n), s);
        var y = OutputBuffer(batch);
        TensorPrimitives.Multiply(input.AsSpan(0, n), s, y.AsSpan(0, n));
        return y;
    }

    // dy/dx = σ(x)·(1 + x·(1 − σ(x)))
    public override float[] Backward(float[] outputGradient, int batch)
    {
        var n = Count(batch);
        var s = _sigmoid.AsSpan(0, n);
        var dx = InputGradientBuffer(batch);
        var d = dx.AsSpan(0, n);
        TensorPrimitives.Subtract(1f, s, d);
        TensorPrimitives.MultiplyAdd(_input.AsSpan(0, n), d, 1f, d);
        TensorPrimitives.Multiply(d, s, d);
        TensorPrimitives.Multiply(d, outputGradient.AsSpan(0, n), d);
        return dx;
    }
}
