using System.Numerics.Tensors;
using System.Runtime.Intrinsics;

namespace VaeWorkbench.Engine.Optim;

/// <summary>Adam hyper-parameters. With <see cref="Decoupled"/> the weight decay is AdamW's; otherwise it is L2 added to the gradient, as torch.optim.Adam.</summary>
public sealed record AdamOptions
{
    public float Beta1 { get; init; } = 0.9f;
    public float Beta2 { get; init; } = 0.999f;
    public float Epsilon { get; init; } = 1e-8f;
    public float WeightDecay { get; init; }
    public bool Decoupled { get; init; }
}

/// <summary>
/// Adam / AdamW with bias correction, written as torch.optim.Adam computes it:
/// m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g², p ← p − (lr/(1−β₁ᵗ))·m / (√v/√(1−β₂ᵗ) + ε).
/// </summary>
public sealed class Adam
{
    private readonly IReadOnlyList<Parameter> _parameters;

    public Adam(IReadOnlyList<Parameter> parameters, AdamOptions options)
    {
        _parameters = parameters;
        Options = options;
        FirstMoments = parameters.Select(p => new float[p.Size]).ToArray();
        SecondMoments = parameters.Select(p => new float[p.Size]).ToArray();
    }

    public AdamOptions Options { get; }

    /// <summary>Steps taken so far (t in the bias correction).</summary>
    public long Step { get; set; }

    public float[][] FirstMoments { get; }
    public float[][] SecondMoments { get; }

    public int Threads { get; set; } = 1;

    /// <summary>Scales every gradient so their global L2 norm is at most <paramref name="maxNorm"/>; returns the norm before clipping.</summary>
    public double ClipGradientNorm(float maxNorm)
    {
        double sumSquares = 0;
        foreach (var p in _parameters) sumSquares += TensorPrimitives.SumOfSquares<float>(p.Grad);
        var norm = Math.Sqrt(sumSquares);
        if (maxNorm > 0 && norm > maxNorm)
        {
            var scale = (float)(maxNorm / (norm + 1e-6));
            foreach (var p in _parameters) TensorPrimitives.Multiply(p.Grad, scale, p.Grad);
        }
        return norm;
    }

    public void Update(float learningRate)
    {
        Step++;
        var o = Options;
        var stepSize = (float)(learningRate / (1 - Math.Pow(o.Beta1, Step)));
        var inverseSqrtCorrection2 = (float)(1 / Math.Sqrt(1 - Math.Pow(o.Beta2, Step)));
        var decay = o.Decoupled ? 1f - learningRate * o.WeightDecay : 1f;
        var l2 = o.Decoupled ? 0f : o.WeightDecay;
        var k = new AdamKernel(o.Beta1, o.Beta2, o.Epsilon, stepSize, inverseSqrtCorrection2, decay, l2);
        for (var i = 0; i < _parameters.Count; i++)
        {
            var (p, m, v) = (_parameters[i], FirstMoments[i], SecondMoments[i]);
            // Element-wise, so splitting the range over threads cannot change the result.
            Parallelism.For(p.Size, Threads, 32_768, (start, end) =>
                k.Apply(p.Value.AsSpan(start, end - start), p.Grad.AsSpan(start, end - start), m.AsSpan(start, end - start), v.AsSpan(start, end - start)));
            p.MarkChanged();
        }
    }
}

/// <summary>One fused pass of the Adam update, Vector512 / Vector256 / scalar.</summary>
internal readonly record struct AdamKernel(float Beta1, float Beta2, float Epsilon, float StepSize, float InverseSqrtCorrection2, float Decay, float L2)
{
    public void Apply(Span<float> value, ReadOnlySpan<float> grad, Span<float> m, Span<float> v)
    {
        var i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i <= value.Length - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                var p = Vector512.Create(value[i..]);
                var g = Vector512.Create(grad[i..]) + p * L2;
                var mi = Vector512.Create(m[i..]) * Beta1 + g * (1 - Beta1);
                var vi = Vector512.Create(v[i..]) * Beta2 + g * g * (1 - Beta2);
                var denominator = Vector512.Sqrt(vi) * InverseSqrtCorrection2 + Vector512.Create(Epsilon);
                (p * Decay - mi / denominator * StepSize).CopyTo(value[i..]);
                mi.CopyTo(m[i..]);
                vi.CopyTo(v[i..]);
            }
        }
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= value.Length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                var p = Vector256.Create(value[i..]);
                var g = Vector256.Create(grad[i..]) + p * L2;
                var mi = Vector256.Create(m[i..]) * Beta1 + g * (1 - Beta1);
                var vi = Vector256.Create(v[i..]) * Beta2 + g * g * (1 - Beta2);
                var denominator = Vector256.Sqrt(vi) * InverseSqrtCorrection2 + Vector256.Create(Epsilon);
                (p * Decay - mi / denominator * StepSize).CopyTo(value[i..]);
                mi.CopyTo(m[i..]);
                vi.CopyTo(v[i..]);
            }
        }
        ApplyScalar(value[i..], grad[i..], m[i..], v[i..]);
    }

    /// <summary>The scalar update, used for tails and as the reference the vector paths are tested against.</summary>
    public void ApplyScalar(Span<float> value, ReadOnlySpan<float> grad, Span<float> m, Span<float> v)
    {
        for (var i = 0; i < value.Length; i++)
        {
            var p = value[i];
            var g = grad[i] + p * L2;
            var mi = m[i] * Beta1 + g * (1 - Beta1);
            var vi = v[i] * Beta2 + g * g * (1 - Beta2);
            var denominator = MathF.Sqrt(vi) * InverseSqrtCorrection2 + Epsilon;
            value[i] = p * Decay - mi / denominator * StepSize;
            m[i] = mi;
            v[i] = vi;
        }
    }
}
