namespace VaeWorkbench.Web.Inspection;

public enum ReconstructionPick
{
    Random,
    ByClass,
    Worst,
}

/// <summary>A PNG ready for an &lt;img&gt; tag, with what it shows.</summary>
public sealed record PictureView(string DataUrl, IReadOnlyList<int> Indexes);

/// <summary>One latent dimension: its average KL to the prior over the evaluated images, and whether it has collapsed.</summary>
public sealed record LatentDimension(int Dimension, double Kl, bool Collapsed);

public sealed record TraversalView(string DataUrl, IReadOnlyList<LatentDimension> Rows, int Steps);

/// <summary>Per-image averages in nats over <see cref="Images"/> evaluated images.</summary>
public sealed record ModelMetricsView(int Images, double NegativeElbo, double Reconstruction, double Kl, int IwaeSamples, double IwaeNll,
    int ActiveUnits, IReadOnlyList<LatentDimension> Dimensions);

/// <summary>The review card's pictures: original, reconstruction and the per-pixel absolute error as a heat map.</summary>
public sealed record ReviewPictures(string Original, string Reconstruction, string ErrorHeatMap, double MaxError);

/// <summary>The latent map: one bitmap of all points, the renderer for click lookups, and what colours mean.</summary>
public sealed record LatentMapView(string DataUrl, LatentMapRenderer Renderer, int[]? Labels, double[]? Scores, string? ScoreMethod);
