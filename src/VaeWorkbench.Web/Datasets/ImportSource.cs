using System.Text.Json;

namespace VaeWorkbench.Web.Datasets;

/// <summary>One uploaded file in an import's staging folder: the name the user gave it and its file name there.</summary>
public sealed record StagedFile(string Name, string File);

/// <summary>
/// What an import job reads, stored with its dataset row: the staged files of an upload, or the augmented set a merge
/// combines with its source dataset. Exactly one of the two is set.
/// </summary>
public sealed record ImportSource(IReadOnlyList<StagedFile>? Files = null, Guid? MergeSetId = null)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>The source a row names, or null when it names none (a row from before imports were jobs).</summary>
    public static ImportSource? Parse(string? json)
    {
        if (string.IsNullOrEmpty(json)) return null;
        var source = JsonSerializer.Deserialize<ImportSource>(json, Json);
        return source is { Files: not null } or { MergeSetId: not null } ? source : null;
    }
}
