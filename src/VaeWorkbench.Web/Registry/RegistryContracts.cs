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

/// <summary>
/// A registry version made from a trained model, with its registered model's card: what the trained model's page shows
/// under Card and Versions.
/// </summary>
public sealed record TrainedModelVersion(string Name, string Card, int Version, IReadOnlyList<string> Aliases, IReadOnlyList<string> Tags,
    string CreatedBy, DateTimeOffset CreatedAt);

public enum RegistrySort { Name, LatestVersion, Updated }

/// <summary>What the registry grid asks for: a filter (a name or tag fragment, an exact tag), the order, and a page.</summary>
public sealed record RegistryQuery(string? Search = null, string? Tag = null, RegistrySort Sort = RegistrySort.Name, bool Descending = false, int Skip = 0, int Take = 20)
{
    public const int MaxTake = 200;
}

public sealed record RegistryPage(IReadOnlyList<RegisteredModelSummary> Items, int Total);
