namespace VaeWorkbench.Web.Inspection;

public enum ReconstructionPick
{
    Random,
    ByClass,
    Worst,
}

/// <summary>
/// A PNG ready for an &lt;img&gt; tag, with what it shows; <see cref="Note"/> says at which class a conditional model drew
/// it (null for an unconditional model). <see cref="MaxWidth"/> (CSS pixels) keeps a narrow grid from being blown up
/// to the page's width.
/// </summary>
public sealed record PictureView(string DataUrl, IReadOnlyList<int> Indexes, string? Note = null, int? MaxWidth = null);

/// <summary>One latent dimension: its average KL to the prior over the evaluated images, and whether it has collapsed.</summary>
public sealed record LatentDimension(int Dimension, double Kl, bool Collapsed);

/// <summary>The traversal grid, its rows' dimensions, and (a conditional model) the class it was drawn at.</summary>
public sealed record TraversalView(string DataUrl, IReadOnlyList<LatentDimension> Rows, int Steps, string? Note = null);

/// <summary>Per-image averages in nats over <see cref="Images"/> evaluated images, which <see cref="Source"/> describes.</summary>
public sealed record ModelMetricsView(int Images, MetricsSource Source, double NegativeElbo, double Reconstruction, double Kl, int IwaeSamples, double IwaeNll,
    int ActiveUnits, IReadOnlyList<LatentDimension> Dimensions);

/// <summary>The review card's pictures: original, reconstruction and the per-pixel absolute error as a heat map.</summary>
public sealed record ReviewPictures(string Original, string Reconstruction, string ErrorHeatMap, double MaxError);

/// <summary>The latent map: one bitmap of all points, the renderer for click lookups, and what colours mean.</summary>
public sealed record LatentMapView(Guid DatasetId, string DataUrl, LatentMapRenderer Renderer, int[]? Labels, double[]? Scores, string? ScoreMethod);

/// <summary>A rectangle on the latent map in bitmap pixels (0..<see cref="LatentMapRenderer.Size"/>), for a projection: pca (default) or first.</summary>
public sealed record LatentRegionRequest(string? Projection, double X0, double Y0, double X1, double Y1);

/// <summary>One image of a latent map selection; <see cref="ImageId"/> is the dataset image id (null if the dataset has no image rows).</summary>
public sealed record SelectedImage(int Index, long? ImageId, int? Label);

/// <summary>The images of the model's training dataset that a latent map region selects, in dataset order.</summary>
public sealed record LatentSelection(Guid DatasetId, IReadOnlyList<SelectedImage> Images);
