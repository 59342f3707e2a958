namespace VaeWorkbench.Web.Data.Entities;

/// <summary>One normalised image of a dataset. The PNG is in the blob store under <see cref="ContentHash"/>.</summary>
public sealed class DatasetImage
{
    public long Id { get; set; }

    public Guid DatasetId { get; set; }

    /// <summary>Position in the dataset (0-based); also the row in the packed tensor.</summary>
    public int Index { get; set; }

    /// <summary>Index into the dataset's class names, or null.</summary>
    public int? Label { get; set; }

    /// <summary>The uploaded file's name (or ZIP entry path), kept for display only; never used as a path.</summary>
    public required string OriginalName { get; set; }

    /// <summary>SHA-256 (hex) of the stored PNG.</summary>
    public required string ContentHash { get; set; }
}
