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
        var x = input.AsSpan(0, Count(batch));
        ElementWise.Map(new LeakyReluKernel(slope), x, x, y.AsSpan(0, Count(batch)));
        return y;
    }

    public override float[] Backward(float[] outputGradient, int batch)
    {
        var dx = InputGradientBuffer(batch);
        ElementWise.Map(new LeakyReluBackwardKernel(slope), _input.AsSpan(0, Count(batch)), outputGradient.AsSpan(0, Count(batch)), dx.AsSpan(0, Count(batch)));
        return dx;
    }
}
