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
        Grad = new float[size];
    }

    public string Name { get; }
    public int[] Shape { get; }
    public float[] Value { get; }
    public float[] Grad { get; }
    public int Size => Value.Length;

    /// <summary>PyTorch's default init for Linear/Conv weights and biases: U(-1/√fanIn, 1/√fanIn) (Kaiming uniform, a=√5).</summary>
    public void InitUniform(Rng rng, int fanIn)
    {
        var bound = fanIn > 0 ? 1f / MathF.Sqrt(fanIn) : 0f;
        for (var i = 0; i < Value.Length; i++) Value[i] = rng.NextUniform(-bound, bound);
    }
}
