namespace VaeWorkbench.Web.Data.Entities;

public enum AugmentedStatus { Queued, Running, Succeeded, Failed }

/// <summary>
/// A set of generated images with its provenance: which model (and so which run and version) and dataset, the mode,
/// its parameters, seed and filter, who asked and when. The images are <see cref="AugmentedImage"/> rows over PNG blobs.
/// Generation is deterministic in (model file, dataset, parameters, seed), so a job interrupted mid-way starts over.
/// </summary>
public sealed class AugmentedSet : Jobs.ILeasedJob<AugmentedStatus>, Labels.ILabelled
{
    public Guid Id { get; set; }

    public Guid TeamId { get; set; }

    /// <summary>A readable name ("quiet-river-7" by default), editable.</summary>
    public string Name { get; set; } = "";

    /// <summary>Tags as a JSON array of strings (see <c>Labels.WriteTags</c>).</summary>
    public string TagsJson { get; set; } = "[]";

    public string Notes { get; set; } = "";

    public Guid ModelId { get; set; }

    /// <summary>Content hash of the model's file when the set was made: the exact model version.</summary>
    public required string ModelFileHash { get; set; }

    public Guid DatasetId { get; set; }

    /// <summary>prior, variations, perClass or interpolate.</summary>
    public required string Mode { get; set; }

    /// <summary>Count, temperature, spread, chosen images and classes (JSON).</summary>
    public required string ParametersJson { get; set; }

    public long Seed { get; set; }

    /// <summary>The quality filter's settings and its measured ELBO ceiling, or "null" when off (JSON).</summary>
    public required string FilterJson { get; set; }

    public AugmentedStatus Status { get; set; }

    /// <summary>The set's class fidelity as a judge measured it once generated (JSON <c>ClassFidelityReport</c>); null without classes.</summary>
    public string? ClassFidelityJson { get; set; }

    public int Requested { get; set; }

    public int Generated { get; set; }

    public int Kept { get; set; }

    public string? Error { get; set; }

    public string? LeaseOwner { get; set; }

    public DateTimeOffset? LeaseExpiresAt { get; set; }

    public required string CreatedByUserId { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? StartedAt { get; set; }

    public DateTimeOffset? FinishedAt { get; set; }
}
