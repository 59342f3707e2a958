namespace VaeWorkbench.Engine.Layers;

/// <summary>An element-wise layer: same size in and out, no parameters.</summary>
public abstract class Activation(int size) : Layer
{
    /// <summary>Below this many values per thread, splitting costs more than it saves.</summary>
    private const int MinPerThread = 32_768;

    public override int InputSize => size;
    public override int OutputSize => size;

    protected int Count(int batch) => batch * size;

    /// <summary>
    /// Applies <paramref name="kernel"/>(a, b, destination) over the first <paramref name="count"/> values, split across
    /// <see cref="Layer.Threads"/>. Element-wise, so the split cannot change the result.
    /// </summary>
    protected void Apply(float[] a, float[] b, float[] destination, int count, ElementKernel kernel) =>
        Parallelism.For(count, Threads, MinPerThread, (start, end) =>
            kernel(a.AsSpan(start, end - start), b.AsSpan(start, end - start), destination.AsSpan(start, end - start)));

    protected delegate void ElementKernel(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> destination);
}
