namespace VaeWorkbench.Web.Data.Entities;

/// <summary>One image's anomaly score in a score job (higher = less typical).</summary>
public sealed class ImageScore
{
    public long Id { get; set; }

    public Guid ScoreJobId { get; set; }

    public long DatasetImageId { get; set; }

    /// <summary>The image's position in its dataset (the row of the packed tensor).</summary>
    public int ImageIndex { get; set; }

    public int? Label { get; set; }

    public double Score { get; set; }
}
