namespace VaeWorkbench.Web.Data.Entities;

/// <summary>A movable name for one version of a registered model ("production", "candidate"); one version per alias.</summary>
public sealed class ModelAlias
{
    public Guid RegisteredModelId { get; set; }

    public required string Alias { get; set; }

    public Guid VersionId { get; set; }

    public required string SetByUserId { get; set; }

    public DateTimeOffset SetAt { get; set; }
}
