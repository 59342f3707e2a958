namespace VaeWorkbench.Web.Data.Entities;

/// <summary>
/// One immutable version of a registered model: the <c>.vae</c> file (a blob), where it came from (a run's trained model,
/// or an imported file), its config and final metrics, and the sample and reconstruction grids made when it was registered.
/// </summary>
public sealed class ModelVersion
{
    public Guid Id { get; set; }

    public Guid RegisteredModelId { get; set; }

    /// <summary>1, 2, 3… within the registered model.</summary>
    public int Version { get; set; }

    /// <summary>The trained model it was registered from; null for an imported file.</summary>
    public Guid? SourceModelId { get; set; }

    public Guid? RunId { get; set; }

    public Guid? DatasetId { get; set; }

    public required string FileHash { get; set; }

    public long FileBytes { get; set; }

    /// <summary>Tags as a JSON array of strings.</summary>
    public string TagsJson { get; set; } = "[]";

    /// <summary>Markdown written by users; rendered without raw HTML.</summary>
    public string Description { get; set; } = "";

    /// <summary>The engine's VaeConfig (JSON).</summary>
    public required string ConfigJson { get; set; }

    /// <summary>Final metrics (JSON object; empty for an imported file without history).</summary>
    public required string MetricsJson { get; set; }

    public required string SampleGridHash { get; set; }

    /// <summary>Originals above reconstructions; null when no dataset images were available (an import).</summary>
    public string? ReconstructionGridHash { get; set; }

    public required string CreatedByUserId { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}
