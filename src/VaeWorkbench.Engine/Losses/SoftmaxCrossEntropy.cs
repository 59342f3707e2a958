namespace VaeWorkbench.Engine.Losses;

/// <summary>Cross-entropy of softmax(logits) against integer labels, in nats: −log p(label), with its gradient.</summary>
public static class SoftmaxCrossEntropy
{
    /// <summary>
    /// logits:(B,K), labels:(B) -> loss:(B); when <paramref name="gradient"/> is not empty it receives
    /// scale·(softmax(logits) − onehot(label)), the gradient of scale·Σ loss.
    /// </summary>
    public static void Compute(ReadOnlySpan<float> logits, ReadOnlySpan<int> labels, int batch, int classes, Span<double> loss, Span<float> gradient, float scale)
    {
        for (var b = 0; b < batch; b++)
        {
            var row = logits.Slice(b * classes, classes);
            var label = labels[b];
            if ((uint)label >= (uint)classes) throw new ArgumentOutOfRangeException(nameof(labels), $"label {label} is outside 0..{classes - 1}");
            // log-sum-exp with the max taken out, so large logits do not overflow
            var max = float.NegativeInfinity;
            foreach (var v in row) max = Math.Max(max, v);
            double sum = 0;
            foreach (var v in row) sum += Math.Exp(v - max);
            var logSum = max + Math.Log(sum);
            loss[b] = logSum - row[label];
            if (gradient.IsEmpty) continue;
            var g = gradient.Slice(b * classes, classes);
            for (var k = 0; k < classes; k++) g[k] = scale * (float)(Math.Exp(row[k] - logSum) - (k == label ? 1 : 0));
        }
    }
}
