namespace VaeWorkbench.Engine.Losses;

/// <summary>KL(N(μ, σ²) ‖ N(0, I)) = ½ Σ_j (μ_j² + σ_j² − 1 − log σ_j²), analytic, per image.</summary>
public static class KlDivergence
{
    // head:(B, 2L) rows [μ ‖ log σ²] -> perImage:(B)
    public static void Compute(ReadOnlySpan<float> head, int batch, int latent, Span<double> perImage)
    {
        for (var b = 0; b < batch; b++)
        {
            var row = head.Slice(b * 2 * latent, 2 * latent);
            double sum = 0;
            for (var j = 0; j < latent; j++)
            {
                double mu = row[j], logVar = row[latent + j];
                sum += mu * mu + Math.Exp(logVar) - 1 - logVar;
            }
            perImage[b] = 0.5 * sum;
        }
    }

    /// <summary>
    /// Adds scale·∂KL/∂(μ, log σ²) to <paramref name="headGrad"/>. With free bits λ &gt; 0, latent dimensions whose
    /// batch-mean KL is below λ get no KL gradient (the objective uses max(λ, KL_j), Kingma et al. 2016).
    /// </summary>
    public static void AddGradient(ReadOnlySpan<float> head, int batch, int latent, float scale, float freeBits, Span<float> headGrad)
    {
        for (var j = 0; j < latent; j++)
        {
            if (freeBits > 0)
            {
                double dimKl = 0;
                for (var b = 0; b < batch; b++)
                {
                    double mu = head[b * 2 * latent + j], logVar = head[b * 2 * latent + latent + j];
                    dimKl += 0.5 * (mu * mu + Math.Exp(logVar) - 1 - logVar);
                }
                if (dimKl / batch < freeBits) continue;
            }
            for (var b = 0; b < batch; b++)
            {
                var row = b * 2 * latent;
                var mu = head[row + j];
                var logVar = head[row + latent + j];
                headGrad[row + j] += scale * mu;
                headGrad[row + latent + j] += scale * 0.5f * (MathF.Exp(logVar) - 1f);
            }
        }
    }
}
