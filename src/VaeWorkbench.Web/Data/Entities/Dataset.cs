namespace VaeWorkbench.Web.Data.Entities;

public enum DatasetStatus
{
    /// <summary>Files are being decoded and stored by a node that runs jobs; not usable for training yet.</summary>
    Importing,
    Ready,
    /// <summary>The import failed as a whole (for example the disk filled); <see cref="Dataset.Error"/> says why.</summary>
    Failed,
    /// <summary>The upload (or merge) is staged and waits for a node that runs jobs to import it.</summary>
    Queued,
}

/// <summary>Why an import ended Failed, which decides how the waiting request answers.</summary>
public enum ImportFailure
{
    /// <summary>The upload itself was refused (no images, too many): a 400 to the uploader, who keeps nothing.</summary>
    Refused,
    /// <summary>The server's disk is full (507).</summary>
    DiskFull,
    /// <summary>Anything else went wrong on the server (500).</summary>
    Error,
}

/// <summary>
/// A set of images normalised to one training size and colour mode. Images live in the blob store by content hash.
/// While it is Queued or Importing the row is also the import's job (<see cref="Jobs.ILeasedJob{TStatus}"/>): a node
/// that runs jobs claims it with a lease, reads <see cref="ImportSourceJson"/>, and completes it Ready or Failed.
/// </summary>
public sealed class Dataset : Jobs.ILeasedJob<DatasetStatus>
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

    /// <summary>While Importing: the node that runs the import (its job queue's instance id).</summary>
    public string? LeaseOwner { get; set; }

    /// <summary>While Importing: until when the import's node holds it (renewed by a heartbeat); a lapsed lease means the import was abandoned.</summary>
    public DateTimeOffset? LeaseExpiresAt { get; set; }

    /// <summary>When a node first claimed the import.</summary>
    public DateTimeOffset? StartedAt { get; set; }

    /// <summary>When the import ended (Ready or Failed).</summary>
    public DateTimeOffset? FinishedAt { get; set; }

    /// <summary>How many times a node claimed the import; past <c>Datasets:ImportMaxAttempts</c> it is failed, not retried.</summary>
    public int ImportAttempts { get; set; }

    /// <summary>What the import reads (JSON, <see cref="Datasets.ImportSource"/>): the staged upload files, or the augmented set to merge.</summary>
    public string? ImportSourceJson { get; set; }

    /// <summary>Set with <see cref="DatasetStatus.Failed"/> by an import: whether it was refused, the disk full, or another error.</summary>
    public ImportFailure? ImportFailure { get; set; }
}
