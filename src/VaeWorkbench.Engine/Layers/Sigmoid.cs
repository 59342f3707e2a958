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
        Apply(input, input, y, Count(batch), static (x, _, d) => ElementWise.Map(new LogisticKernel(), x, x, d));
        _output = y; // dy/dx = y(1 − y)
        return y;
    }

    public override float[] Backward(float[] outputGradient, int batch)
    {
        var dx = InputGradientBuffer(batch);
        Apply(_output, outputGradient, dx, Count(batch), static (y, dy, d) => ElementWise.Map(new SigmoidBackwardKernel(), y, dy, d));
        return dx;
    }
}
