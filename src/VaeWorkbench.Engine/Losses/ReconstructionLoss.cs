using System.Numerics.Tensors;
using VaeWorkbench.Engine.Kernels;
using VaeWorkbench.Engine.Model;

namespace VaeWorkbench.Engine.Losses;

/// <summary>
/// −log p(x | z) per image, summed over pixels, from the decoder's logits s. Bernoulli uses s directly (BCE with
/// logits, as torch's binary_cross_entropy_with_logits); the others model the pixel mean μ = σ(s), so it stays in [0, 1].
/// </summary>
public sealed class ReconstructionLoss
{
    private static readonly float HalfLogTwoPi = 0.5f * MathF.Log(2 * MathF.PI);
    private float[] _a = [];
    private float[] _b = [];
    private float[] _meanScratch = [];

    public ReconstructionLoss(ReconstructionKind kind, float scale)
    {
        Kind = kind;
        Scale = scale;
        if (kind == ReconstructionKind.GaussianLearned)
        {
            LogVariance = new Parameter("likelihood.log_variance", 1);
            LogVariance.Value[0] = 2 * MathF.Log(scale);
            LogVariance.MarkChanged();
        }
    }

    public ReconstructionKind Kind { get; }
    public float Scale { get; }

    /// <summary>The learned log σ² of <see cref="ReconstructionKind.GaussianLearned"/>, else null.</summary>
    public Parameter? LogVariance { get; }

    /// <summary>
    /// logits, target:(B,P) -> perImage:(B) NLL in nats; when <paramref name="grad"/> is not empty it receives
    /// gradScale·∂NLL/∂logits, and the learned log-variance's gradient is written too.
    /// </summary>
    public void Compute(ReadOnlySpan<float> logits, ReadOnlySpan<float> target, int batch, int pixels, Span<double> perImage, Span<float> grad, float gradScale)
    {
        var n = batch * pixels;
        var s = logits[..n];
        var x = target[..n];
        var withGrad = !grad.IsEmpty;
        var g = withGrad ? grad[..n] : default;

        if (Kind == ReconstructionKind.Bernoulli)
        {
            // One fused pass per image (see BceWithLogits); nothing is left in the scratch buffers to sum.
            for (var i = 0; i < batch; i++)
            {
                perImage[i] = BceWithLogits.Image(s.Slice(i * pixels, pixels), x.Slice(i * pixels, pixels),
                    withGrad ? g.Slice(i * pixels, pixels) : default, gradScale);
            }
            return;
        }

        var a = Grow(ref _a, n).AsSpan(0, n);
        var b = Grow(ref _b, n).AsSpan(0, n);
        var constant = 0.0; // per-pixel normaliser, added once per image below
        // b = μ − x with μ = σ(s); a = per-pixel loss; g = ∂loss/∂μ, then times μ(1 − μ) for ∂/∂s
        var mean = withGrad ? g : Grow(ref _meanScratch, n).AsSpan(0, n);
        ElementWise.Map(new LogisticKernel(), s, s, mean);
        TensorPrimitives.Subtract(mean, x, b);
        var gradFactor = 0f;
        switch (Kind)
        {
            case ReconstructionKind.Gaussian:
            {
                var inverseVariance = 1f / (Scale * Scale);
                TensorPrimitives.Multiply(b, b, a);
                TensorPrimitives.Multiply(a, 0.5f * inverseVariance, a);
                constant = MathF.Log(Scale) + HalfLogTwoPi;
                gradFactor = inverseVariance;
                break;
            }
            case ReconstructionKind.GaussianLearned:
            {
                var logVariance = LogVariance!.Value[0];
                var inverseVariance = MathF.Exp(-logVariance);
                TensorPrimitives.Multiply(b, b, a);
                if (withGrad)
                {
                    // ∂/∂lv of 0.5·(r²·e^−lv + lv) = 0.5·(1 − r²·e^−lv), summed over every pixel of the batch
                    var sumSquares = TensorPrimitives.Sum(a);
                    LogVariance.Grad[0] = gradScale * 0.5f * (n - sumSquares * inverseVariance);
                }
                TensorPrimitives.Multiply(a, 0.5f * inverseVariance, a);
                constant = 0.5 * logVariance + HalfLogTwoPi;
                gradFactor = inverseVariance;
                break;
            }
            case ReconstructionKind.Mse:
                TensorPrimitives.Multiply(b, b, a);
                gradFactor = 2f;
                break;
            case ReconstructionKind.Laplace:
                TensorPrimitives.Abs(b, a);
                TensorPrimitives.Multiply(a, 1f / Scale, a);
                constant = Math.Log(2 * Scale);
                break;
            default:
                throw new InvalidOperationException($"unknown reconstruction loss {Kind}");
        }
        if (withGrad)
        {
            // g holds μ; ∂μ/∂s = μ(1 − μ)
            var dmu = b; // reuse: b becomes ∂loss/∂μ
            if (Kind == ReconstructionKind.Laplace)
            {
                // sign(r)/b
                for (var i = 0; i < n; i++) dmu[i] = dmu[i] > 0 ? 1f / Scale : dmu[i] < 0 ? -1f / Scale : 0f;
            }
            else
            {
                TensorPrimitives.Multiply(dmu, gradFactor, dmu);
            }
            TensorPrimitives.Multiply(dmu, g, dmu);            // ·μ
            TensorPrimitives.Subtract(1f, g, g);                // 1 − μ
            TensorPrimitives.Multiply(g, dmu, g);               // ·(∂loss/∂μ)·μ
            TensorPrimitives.Multiply(g, gradScale, g);
        }

        for (var i = 0; i < batch; i++)
            perImage[i] = TensorPrimitives.Sum(a.Slice(i * pixels, pixels)) + constant * pixels;
    }

    /// <summary>The pixel values the decoder predicts: σ(logits) for every likelihood here.</summary>
    public static void ToPixels(ReadOnlySpan<float> logits, Span<float> pixels) => ElementWise.Map(new LogisticKernel(), logits, logits, pixels);

    private static float[] Grow(ref float[] buffer, int length)
    {
        if (buffer.Length < length) buffer = new float[length];
        return buffer;
    }
}
