using VaeWorkbench.Engine.Kernels;

namespace VaeWorkbench.Engine.Layers;

/// <summary>
/// One step of a network on a batch of flat samples. <see cref="Forward"/> returns a buffer the layer owns (valid until
/// its next Forward) and saves what <see cref="Backward"/> needs; Backward writes (does not accumulate) the parameter
/// gradients and returns the input gradient, again in a buffer the layer owns. Buffers grow to the largest batch seen
/// and are then reused, so steady-state training allocates nothing.
/// </summary>
public abstract class Layer
{
    private float[] _output = [];
    private float[] _inputGradient = [];

    /// <summary>Floats per sample going in.</summary>
    public abstract int InputSize { get; }

    /// <summary>Floats per sample coming out.</summary>
    public abstract int OutputSize { get; }

    public virtual IReadOnlyList<Parameter> Parameters => [];

    /// <summary>False for a network's first layer: nobody needs dL/dx there, and skipping it saves a GEMM.</summary>
    public bool NeedsInputGradient { get; set; } = true;

    /// <summary>Threads for GEMM and patch kernels; results are deterministic for a given value.</summary>
    public int Threads { get; set; } = 1;

    /// <summary>Gives every parameter PyTorch's default initialisation, drawing from <paramref name="rng"/> in a fixed order.</summary>
    public virtual void Initialize(Rng rng) { }

    public abstract float[] Forward(float[] input, int batch);

    public abstract float[] Backward(float[] outputGradient, int batch);

    /// <summary>
    /// Forward for inference (<see cref="Sequential.Infer"/>): saves nothing for Backward, which must not follow, may use
    /// forms of the weights kept between calls (rebuilt when a <see cref="Parameter.Version"/> moves), and with
    /// <paramref name="relu"/> returns max(y, 0), the work of a ReLU layer after this one. Same bits as Forward (and
    /// ReLU). The default rectifies y in place: one pass over it instead of the ReLU layer's read and write of another
    /// buffer; layers that can rectify as they write y, or keep weights ready, override it.
    /// </summary>
    public virtual float[] Infer(float[] input, int batch, bool relu)
    {
        var y = Forward(input, batch);
        if (relu) RectifyInPlace(y, batch);
        return y;
    }

    protected void RectifyInPlace(float[] y, int batch) =>
        Parallelism.For(batch * OutputSize, Threads, 32_768, (start, end) =>
            ElementWise.Map(new ReluKernel(), y.AsSpan(start, end - start), y.AsSpan(start, end - start), y.AsSpan(start, end - start)));

    protected float[] OutputBuffer(int batch) => Grow(ref _output, batch * OutputSize);

    protected float[] InputGradientBuffer(int batch) => Grow(ref _inputGradient, batch * InputSize);

    protected static float[] Grow(ref float[] buffer, int length)
    {
        if (buffer.Length < length) buffer = new float[length];
        return buffer;
    }

    protected void CheckBatch(float[] buffer, int batch, int perSample, string what)
    {
        if (batch <= 0) throw new ArgumentOutOfRangeException(nameof(batch), "batch must be positive");
        if (buffer.Length < (long)batch * perSample)
            throw new ArgumentException($"{GetType().Name}: {what} holds {buffer.Length} floats, a batch of {batch} needs {(long)batch * perSample}");
    }
}
