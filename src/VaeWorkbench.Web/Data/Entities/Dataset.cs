namespace VaeWorkbench.Web.Data.Entities;

public enum DatasetStatus
{
    /// <summary>Files are being decoded and stored; not usable for training yet.</summary>
    Importing,
    Ready,
    /// <summary>The import failed as a whole (for example the disk filled); <see cref="Dataset.Error"/> says why.</summary>
    Failed,
}

/// <summary>A set of images normalised to one training size and colour mode. Images live in the blob store by content hash.</summary>
public sealed class Dataset
{
    public Guid Id { get; set; }

    public Guid TeamId { get; set; }

    public required string Name { get; set; }

    /// <summary>Side of the square training images: 28, 32 or 64.</summary>
    public int ImageSize { get; set; }

    /// <summary>1 for grey, 3 for RGB.</summary>
    public int Channels { get; set; }

    public DatasetStatus Status { get; set; }

    public int ImageCount { get; set; }

    /// <summary>Class names in label order (JSON array); a label is an index into it, or null for unlabeled images.</summary>
    public string ClassNamesJson { get; set; } = "[]";

    /// <summary>The import report: skipped files with reasons and duplicates (JSON).</summary>
    public string ImportReportJson { get; set; } = "{}";

    public string? Error { get; set; }

    /// <summary>Content hash of the packed N×C×H×W byte tensor the trainer loads in one read.</summary>
    public string? TensorHash { get; set; }

    public required string CreatedByUserId { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>Set when a user deletes the dataset. Rows and files stay while a run still uses them; a sweep removes them later.</summary>
    public DateTimeOffset? DeletedAt { get; set; }

    /// <summary>While Importing: until when the import's server holds it (renewed by a heartbeat); a lapsed lease means the import was abandoned.</summary>
    public DateTimeOffset? ImportLeaseExpiresAt { get; set; }
}
