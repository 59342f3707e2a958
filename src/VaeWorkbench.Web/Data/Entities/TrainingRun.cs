namespace VaeWorkbench.Web.Data.Entities;

public enum RunStatus
{
    Queued,
    Running,
    Succeeded,
    Failed,
    Cancelled,
}

/// <summary>A training job: queued in the database, run by the job service, checkpointed every epoch.</summary>
public sealed class TrainingRun : Jobs.ILeasedJob<RunStatus>, Labels.ILabelled
{
    public Guid Id { get; set; }

    public Guid TeamId { get; set; }

    /// <summary>A readable name ("quiet-river-7" by default), editable.</summary>
    public string Name { get; set; } = "";

    /// <summary>Tags as a JSON array of strings (see <c>Labels.WriteTags</c>).</summary>
    public string TagsJson { get; set; } = "[]";

    public string Notes { get; set; } = "";

    public Guid DatasetId { get; set; }

    public Dataset? Dataset { get; set; }

    /// <summary>The run's settings as submitted (<c>RunSettings</c> JSON).</summary>
    public required string SettingsJson { get; set; }

    public RunStatus Status { get; set; }

    /// <summary>Epochs finished so far.</summary>
    public int Epoch { get; set; }

    public int Epochs { get; set; }

    public string? Error { get; set; }

    public bool CancelRequested { get; set; }

    /// <summary>Which server process holds the run, and until when; a run whose lease lapsed is picked up again.</summary>
    public string? LeaseOwner { get; set; }

    public DateTimeOffset? LeaseExpiresAt { get; set; }

    public required string CreatedByUserId { get; set; }

    /// <summary>Monotonic queue position: runs start in this order.</summary>
    public long QueueOrder { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? StartedAt { get; set; }

    public DateTimeOffset? FinishedAt { get; set; }

    /// <summary>
    /// Blob hash of the last epoch's reconstruction grid (PNG: validation images on top, reconstructions below), kept when
    /// the run ends so that a finished run shows it when opened again; null for a run that never finished an epoch.
    /// </summary>
    public string? FinalReconstructionHash { get; set; }

    public List<RunEpoch> History { get; set; } = [];
}
