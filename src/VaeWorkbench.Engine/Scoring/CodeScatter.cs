namespace VaeWorkbench.Engine.Scoring;

/// <summary>The mean of latent codes and their scatter matrix, shared by the fitted Gaussian and the PCA projection.</summary>
internal static class CodeScatter
{
    // μ:(count,latent) -> mean:(latent), scatter:(latent,latent) = Σᵢ (μᵢ − mean)(μᵢ − mean)ᵀ, symmetric, row-major
    public static (double[] Mean, double[] Scatter) Compute(ReadOnlySpan<float> codes, int count, int latent)
    {
        var mean = new double[latent];
        for (var i = 0; i < count; i++)
            for (var j = 0; j < latent; j++) mean[j] += codes[i * latent + j];
        for (var j = 0; j < latent; j++) mean[j] /= count;
        var scatter = new double[latent * latent];
        var centred = new double[latent];
        for (var i = 0; i < count; i++)
        {
            for (var j = 0; j < latent; j++) centred[j] = codes[i * latent + j] - mean[j];
            for (var a = 0; a < latent; a++)
                for (var b = 0; b <= a; b++) scatter[a * latent + b] += centred[a] * centred[b];
        }
        for (var a = 0; a < latent; a++)
            for (var b = 0; b < a; b++) scatter[b * latent + a] = scatter[a * latent + b];
        return (mean, scatter);
    }
}
