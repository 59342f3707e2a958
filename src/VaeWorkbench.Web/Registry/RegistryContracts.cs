using System.Text.Json;

namespace VaeWorkbench.Web.Registry;

public sealed record RegisterVersionRequest(Guid RunId, string? Name, string? Description, List<string>? Tags);

public sealed record RegisteredVersionResponse(string Name, int Version);

public sealed record AliasRequest(int Version);

public sealed record CopyVersionRequest(Guid TargetTeamId, string? TargetName, bool Move);

/// <summary>A registered model's card: its Markdown source, the model's description.</summary>
public sealed record ModelCard(string? Markdown);

public sealed record RegisteredModelSummary(
    Guid Id, string Name, string Description, int LatestVersion, int VersionCount, IReadOnlyDictionary<string, int> Aliases,
    IReadOnlyList<string> Tags, DateTimeOffset UpdatedAt, string Notes = "");

public sealed record ModelVersionSummary(
    int Version, IReadOnlyList<string> Tags, IReadOnlyList<string> Aliases, string Description, JsonElement Config, JsonElement Metrics,
    string Source, Guid? RunId, Guid? DatasetId, string? DatasetName, long FileBytes, bool HasReconstructionGrid,
    string CreatedBy, DateTimeOffset CreatedAt);

public sealed record RegisteredModelDetails(Guid Id, Guid TeamId, string Name, string Description, IReadOnlyList<ModelVersionSummary> Versions,
    IReadOnlyList<string>? Tags = null, string Notes = "");
