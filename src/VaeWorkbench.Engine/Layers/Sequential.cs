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
        _tailStart = TailStart(layers);
        _tailBatch = TailBatch(layers, _tailStart);
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
        // Layers that only move values (reshape, channel order, an appended class) pass the flag on to the first layer that computes.
        foreach (var layer in _layers)
        {
            layer.NeedsInputGradient = needed;
            if (layer is not (Reshape or ChannelsLast or ConcatCondition)) break;
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
    /// <see cref="Layer.Infer"/>, and a ReLU after a layer is done by that layer, with no pass of its own. The layers
    /// after the last Linear (a conv decoder's upsampling stack) run a few images at a time, so each one's output is
    /// still in L2 when the next reads it; whole batches of 256 sent the conv preset's 6 MB of first-layer output out to
    /// memory and back (measured: a 20,000-image conv generation took 0.71 s instead of 0.79 s). The Linear layers keep the whole batch,
    /// which shares each pass over their megabytes of weights. Same bits as Forward: every layer treats images apart.
    /// </summary>
    public float[] Infer(float[] input, int batch)
    {
        var x = InferLayers(0, _tailStart, input, batch);
        if (batch <= _tailBatch) return InferLayers(_tailStart, _layers.Length, x, batch);
        var inSize = _layers[_tailStart].InputSize;
        var output = Grow(ref _tailOutput, batch * OutputSize);
        var part = Grow(ref _tailInput, _tailBatch * inSize);
        for (var start = 0; start < batch; start += _tailBatch)
        {
            var n = Math.Min(_tailBatch, batch - start);
            x.AsSpan(start * inSize, n * inSize).CopyTo(part);
            InferLayers(_tailStart, _layers.Length, part, n).AsSpan(0, n * OutputSize).CopyTo(output.AsSpan(start * OutputSize));
        }
        return output;
    }

    private const int TailBytes = 1 << 20; // about one core's L2
    private readonly int _tailStart;       // first layer after the last Linear and its ReLU; _layers.Length if none
    private readonly int _tailBatch;       // images whose tail outputs fit in TailBytes, in eights
    private float[] _tailOutput = [], _tailInput = [];

    private static int TailStart(Layer[] layers)
    {
        var last = Array.FindLastIndex(layers, layer => layer is Linear);
        if (last >= 0 && last + 1 < layers.Length && layers[last + 1] is Relu) last++;
        return last + 1;
    }

    private static int TailBatch(Layer[] layers, int tailStart)
    {
        long bytes = 0;
        for (var i = tailStart; i < layers.Length; i++) bytes += (long)layers[i].OutputSize * sizeof(float);
        return bytes == 0 ? int.MaxValue : (int)Math.Max(8, TailBytes / bytes / 8 * 8);
    }

    private float[] InferLayers(int from, int to, float[] input, int batch)
    {
        var x = input;
        for (var i = from; i < to; i++)
        {
            var relu = i + 1 < to && _layers[i + 1] is Relu && _layers[i] is not Relu;
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
