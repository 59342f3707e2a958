namespace VaeWorkbench.Engine;

/// <summary>A trainable tensor: its values, the gradient the last Backward wrote, and its shape (row-major).</summary>
public sealed class Parameter
{
    public Parameter(string name, params int[] shape)
    {
        Name = name;
        Shape = shape;
        var size = 1;
        foreach (var d in shape) size = checked(size * d);
        Value = new float[size];
    }

    public string Name { get; }
    public int[] Shape { get; }

    /// <summary>The values. Whoever writes them, other than the optimizer, the model file reader and the initialisers, calls <see cref="MarkChanged"/>.</summary>
    public float[] Value { get; }

    /// <summary>
    /// Moves whenever <see cref="Value"/> is announced changed. Layers keep inference-only forms of their weights
    /// (a packed GEMM operand, Winograd-transformed filters) and rebuild them when it has moved; training's Forward rebuilds
    /// them on every call.
    /// </summary>
    public int Version { get; private set; }

    public void MarkChanged() => Version++;

    /// <summary>
    /// Allocated on first use: a model that only runs inference (a replica decoding on its own thread, a model a web
    /// page loaded) never needs it, and it was half of what building one cost (zeroed pages the size of the weights).
    /// </summary>
    public float[] Grad => _grad ??= new float[Value.Length];

    private float[]? _grad;
    public int Size => Value.Length;

    /// <summary>PyTorch's default init for Linear/Conv weights and biases: U(-1/√fanIn, 1/√fanIn) (Kaiming uniform, a=√5).</summary>
    public void InitUniform(Rng rng, int fanIn)
    {
        var bound = fanIn > 0 ? 1f / MathF.Sqrt(fanIn) : 0f;
        for (var i = 0; i < Value.Length; i++) Value[i] = rng.NextUniform(-bound, bound);
        MarkChanged();
    }
}
