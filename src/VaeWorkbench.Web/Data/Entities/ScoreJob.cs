namespace VaeWorkbench.Web.Data.Entities;

public enum ScoreJobStatus
{
    Queued,
    Running,
    Succeeded,
    Failed,
}

/// <summary>
/// Scoring every image of a dataset with a model: queued in the database, run by the scoring job service. The
/// threshold settings and the normal classes are the team's current view of the result and can change afterwards.
/// </summary>
public sealed class ScoreJob : Jobs.ILeasedJob<ScoreJobStatus>
{
    public Guid Id { get; set; }

    public Guid TeamId { get; set; }

    public Guid ModelId { get; set; }

    public Guid DatasetId { get; set; }

    /// <summary>The engine's method name: recon, elbo, iwae, latent or complexity.</summary>
    public required string Method { get; set; }

    /// <summary>Samples per image (K) where the method uses them.</summary>
    public int K { get; set; }

    public ScoreJobStatus Status { get; set; }

    /// <summary>Fraction of the images scored, 0–1.</summary>
    public double Progress { get; set; }

    public string? Error { get; set; }

    /// <summary>Engine <c>ThresholdMode</c> name: Percentile, RobustZ or Manual.</summary>
    public required string ThresholdMode { get; set; }

    public double ThresholdValue { get; set; }

    /// <summary>Labels the user calls normal (JSON int array); empty means "no ground truth chosen", so no AUROC.</summary>
    public string NormalClassesJson { get; set; } = "[]";

    /// <summary>AUROC for the chosen normal classes, when the dataset has labels of both kinds.</summary>
    public double? Auroc { get; set; }

    public double? AveragePrecision { get; set; }

    public string? LeaseOwner { get; set; }

    public DateTimeOffset? LeaseExpiresAt { get; set; }

    public required string CreatedByUserId { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? StartedAt { get; set; }

    public DateTimeOffset? FinishedAt { get; set; }
}
