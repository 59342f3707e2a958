using VaeWorkbench.Engine.Kernels;

namespace VaeWorkbench.Engine.Layers;

/// <summary>y = x for x &gt; 0, else slope·x (PyTorch's default slope is 0.01).</summary>
public sealed class LeakyRelu(int size, float slope = 0.01f) : Activation(size)
{
    private float[] _input = [];

    public float Slope => slope;

    public override float[] Forward(float[] input, int batch)
    {
        CheckBatch(input, batch, InputSize, "input");
        _input = input; // Backward needs the sign of x
        var y = OutputBuffer(batch);
        var kernel = new LeakyReluKernel(slope);
        Apply(input, input, y, Count(batch), (x, _, d) => ElementWise.Map(kernel, x, x, d));
        return y;
    }

    public override float[] Backward(float[] outputGradient, int batch)
    {
        var dx = InputGradientBuffer(batch);
        var kernel = new LeakyReluBackwardKernel(slope);
        Apply(_input, outputGradient, dx, Count(batch), (x, dy, d) => ElementWise.Map(kernel, x, dy, d));
        return dx;
    }
}
