namespace VaeWorkbench.Engine.Layers;

/// <summary>An element-wise layer: same size in and out, no parameters.</summary>
public abstract class Activation(int size) : Layer
{
    public override int InputSize => size;
    public override int OutputSize => size;

    protected int Count(int batch) => batch * size;
}
