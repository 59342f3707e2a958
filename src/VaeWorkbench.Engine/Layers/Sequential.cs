namespace VaeWorkbench.Engine.Layers;

/// <summary>Layers applied in order; Backward runs them in reverse.</summary>
public sealed class Sequential : Layer
{
    private readonly Layer[] _layers;

    public Sequential(params Layer[] layers)
    {
        if (layers.Length == 0) throw new ArgumentException("a Sequential needs at least one layer");
        for (var i = 1; i < layers.Length; i++)
        {
            if (layers[i - 1].OutputSize != layers[i].InputSize)
                throw new ArgumentException($"layer {i - 1} ({layers[i - 1].GetType().Name}) outputs {layers[i - 1].OutputSize} values per sample but layer {i} ({layers[i].GetType().Name}) takes {layers[i].InputSize}");
        }
        _layers = layers;
    }

    public IReadOnlyList<Layer> Layers => _layers;
    public override int InputSize => _layers[0].InputSize;
    public override int OutputSize => _layers[^1].OutputSize;
    public override IReadOnlyList<Parameter> Parameters => _layers.SelectMany(l => l.Parameters).ToArray();

    /// <summary>Sets the thread count of every layer.</summary>
    public void SetThreads(int threads)
    {
        Threads = threads;
        foreach (var layer in _layers) layer.Threads = threads;
    }

    /// <summary>Whether the first layer computes dL/dx (the decoder's must, the encoder's need not).</summary>
    public void SetNeedsInputGradient(bool needed)
    {
        NeedsInputGradient = needed;
        // Layers that only move values (reshape, channel order) pass the flag on to the first layer that computes.
        foreach (var layer in _layers)
        {
            layer.NeedsInputGradient = needed;
            if (layer is not (Reshape or ChannelsLast)) break;
        }
    }

    public override void Initialize(Rng rng)
    {
        foreach (var layer in _layers) layer.Initialize(rng);
    }

    /// <summary>When not null, each layer's Forward and Backward time is added here (Stopwatch ticks, index = layer), for profiling.</summary>
    public (long[] Forward, long[] Backward)? Timings { get; private set; }

    public void EnableTimings() => Timings = (new long[_layers.Length], new long[_layers.Length]);

    public override float[] Forward(float[] input, int batch)
    {
        var x = input;
        for (var i = 0; i < _layers.Length; i++)
        {
            var start = Timings is null ? 0 : System.Diagnostics.Stopwatch.GetTimestamp();
            x = _layers[i].Forward(x, batch);
            if (Timings is { } t) t.Forward[i] += System.Diagnostics.Stopwatch.GetTimestamp() - start;
        }
        return x;
    }

    /// <summary>
    /// Forward for inference only (nothing is saved for Backward, which must not follow): each layer runs as
    /// <see cref="Layer.Infer"/>, and a ReLU after a layer is done by that layer, with no pass of its own. Same bits as Forward.
    /// </summary>
    public float[] Infer(float[] input, int batch)
    {
        var x = input;
        for (var i = 0; i < _layers.Length; i++)
        {
            var relu = i + 1 < _layers.Length && _layers[i + 1] is Relu && _layers[i] is not Relu;
            x = _layers[i].Infer(x, batch, relu);
            if (relu) i++;
        }
        return x;
    }

    public override float[] Backward(float[] outputGradient, int batch)
    {
        var g = outputGradient;
        for (var i = _layers.Length - 1; i >= 0; i--)
        {
            var start = Timings is null ? 0 : System.Diagnostics.Stopwatch.GetTimestamp();
            g = _layers[i].Backward(g, batch);
            if (Timings is { } t) t.Backward[i] += System.Diagnostics.Stopwatch.GetTimestamp() - start;
        }
        return g;
    }
}
