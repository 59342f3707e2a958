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
        Apply(input, input, y, Count(batch), static (x, _, d) => ElementWise.Map(new ReluKernel(), x, x, d));
        _output = y; // Backward masks by y > 0
        return y;
    }

    public override float[] Backward(float[] outputGradient, int batch)
    {
        var dx = InputGradientBuffer(batch);
        Apply(_output, outputGradient, dx, Count(batch), static (y, dy, d) => ElementWise.Map(new ReluBackwardKernel(), y, dy, d));
        return dx;
    }
}
