namespace VaeWorkbench.Engine.Scoring;

/// <summary>The anomaly scores the product offers. Every one is "higher = less typical".</summary>
public enum AnomalyMethod
{
    /// <summary>−log p(x | z = μ).</summary>
    Recon,
    /// <summary>Negative ELBO, averaged over K samples.</summary>
    Elbo,
    /// <summary>−log p(x) by the IWAE estimate with K samples.</summary>
    Iwae,
    /// <summary>Mahalanobis distance of μ(x) to a Gaussian fitted to the reference data's μ.</summary>
    Latent,
    /// <summary>Negative ELBO minus the image's lossless compressed length in nats (Serrà et al., ICLR 2020).</summary>
    Complexity,
}

public static class AnomalyMethods
{
    /// <summary>The names used by the CLI and the REST API, in the enum's order.</summary>
    public static readonly IReadOnlyDictionary<string, AnomalyMethod> ByName = new Dictionary<string, AnomalyMethod>(StringComparer.OrdinalIgnoreCase)
    {
        ["recon"] = AnomalyMethod.Recon,
        ["elbo"] = AnomalyMethod.Elbo,
        ["iwae"] = AnomalyMethod.Iwae,
        ["latent"] = AnomalyMethod.Latent,
        ["complexity"] = AnomalyMethod.Complexity,
    };

    public static string Name(this AnomalyMethod method) => method.ToString().ToLowerInvariant();

    public static bool TryParse(string? name, out AnomalyMethod method)
    {
        method = default;
        return name is not null && ByName.TryGetValue(name, out method);
    }

    /// <summary>Whether K (samples per image) changes the score.</summary>
    public static bool UsesSamples(this AnomalyMethod method) => method is AnomalyMethod.Elbo or AnomalyMethod.Iwae or AnomalyMethod.Complexity;
}
