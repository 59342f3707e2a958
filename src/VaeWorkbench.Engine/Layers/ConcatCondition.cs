namespace VaeWorkbench.Engine.Layers;

/// <summary>
/// Appends a per-sample condition vector to each sample: y = [x ‖ c]. A conditional VAE feeds the class this way, as a
/// one-hot c, to the encoder (after its feature extractor) and to the decoder (beside z); the next Linear then learns
/// one weight column per class, which is a learned class embedding added to its bias. The condition is set before each
/// Forward (<see cref="SetOneHot"/> for classes, <see cref="SetCondition"/> for any real vector), and Backward splits
/// dy into dx and <see cref="ConditionGradient"/> (dL/dc, what a gradient check of the conditioning path measures).
/// </summary>
public sealed class ConcatCondition : Layer
{
    private float[] _condition = [];
    private float[] _conditionGradient = [];
    private int _conditionRows;
    private int _gradientRows;

    public ConcatCondition(int inputSize, int conditionSize)
    {
        if (inputSize <= 0 || conditionSize <= 0) throw new ArgumentException($"ConcatCondition: sizes must be positive ({inputSize} + {conditionSize})");
        In = inputSize;
        ConditionSize = conditionSize;
    }

    public int In { get; }
    public int ConditionSize { get; }
    public override int InputSize => In;
    public override int OutputSize => In + ConditionSize;

    /// <summary>dL/dc:(B,K) from the last Backward.</summary>
    public ReadOnlySpan<float> ConditionGradient => _conditionGradient.AsSpan(0, _gradientRows * ConditionSize);

    /// <summary>c:(n,K) = one-hot(labels); every label must be in [0, K).</summary>
    public void SetOneHot(ReadOnlySpan<int> labels)
    {
        var k = ConditionSize;
        var c = Grow(ref _condition, labels.Length * k);
        c.AsSpan(0, labels.Length * k).Clear();
        for (var b = 0; b < labels.Length; b++)
        {
            if ((uint)labels[b] >= (uint)k) throw new ArgumentOutOfRangeException(nameof(labels), $"class {labels[b]} is outside the model's {k} classes (0..{k - 1})");
            c[b * k + labels[b]] = 1f;
        }
        _conditionRows = labels.Length;
    }

    /// <summary>c:(n,K) = <paramref name="condition"/> (n = length / K).</summary>
    public void SetCondition(ReadOnlySpan<float> condition)
    {
        if (condition.Length % ConditionSize != 0) throw new ArgumentException($"a condition of {condition.Length} values is not whole rows of {ConditionSize}");
        condition.CopyTo(Grow(ref _condition, condition.Length));
        _conditionRows = condition.Length / ConditionSize;
    }

    // x:(B,In) c:(B,K) -> y:(B,In+K)
    public override float[] Forward(float[] input, int batch)
    {
        CheckBatch(input, batch, In, "input");
        if (_conditionRows < batch)
            throw new InvalidOperationException($"the conditional model was given classes for {_conditionRows} samples but a batch of {batch}");
        var (k, width) = (ConditionSize, OutputSize);
        var y = OutputBuffer(batch);
        for (var b = 0; b < batch; b++)
        {
            input.AsSpan(b * In, In).CopyTo(y.AsSpan(b * width, In));
            _condition.AsSpan(b * k, k).CopyTo(y.AsSpan(b * width + In, k));
        }
        return y;
    }

    // dy:(B,In+K) -> dx:(B,In), dc:(B,K)
    public override float[] Backward(float[] outputGradient, int batch)
    {
        // Training's encoder: neither the image's nor the class's gradient is wanted, so the Linear above computed none.
        if (!NeedsInputGradient && outputGradient.Length == 0) return [];
        CheckBatch(outputGradient, batch, OutputSize, "output gradient");
        var (k, width) = (ConditionSize, OutputSize);
        var dc = Grow(ref _conditionGradient, batch * k);
        for (var b = 0; b < batch; b++) outputGradient.AsSpan(b * width + In, k).CopyTo(dc.AsSpan(b * k, k));
        _gradientRows = batch;
        if (!NeedsInputGradient) return [];
        var dx = InputGradientBuffer(batch);
        for (var b = 0; b < batch; b++) outputGradient.AsSpan(b * width, In).CopyTo(dx.AsSpan(b * In, In));
        return dx;
    }
}
