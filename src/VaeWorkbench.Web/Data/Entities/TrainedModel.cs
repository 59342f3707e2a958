namespace VaeWorkbench.Web.Data.Entities;

/// <summary>The model a succeeded run produced; its <c>.vae</c> file is in the blob store.</summary>
public sealed class TrainedModel
{
    public Guid Id { get; set; }

    public Guid TeamId { get; set; }

    public Guid RunId { get; set; }

    public Guid DatasetId { get; set; }

    /// <summary>The engine's VaeConfig (JSON).</summary>
    public required string ConfigJson { get; set; }

    /// <summary>Final metrics: losses and their parts (JSON).</summary>
    public required string MetricsJson { get; set; }

    public required string FileHash { get; set; }

    public long FileBytes { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}
