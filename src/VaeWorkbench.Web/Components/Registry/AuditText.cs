using System.Globalization;
using VaeWorkbench.Web.Audit;
using VaeWorkbench.Web.Teams;
using System.Text.Json;

namespace VaeWorkbench.Web.Components.Registry;

/// <summary>
/// An audit entry as a sentence about what was done ("set alias production on fashion v3"), the objects named by
/// link where they still have a page. The action keys, ids and JSON stay in the entry for the Details panel and the CSV.
/// </summary>
public sealed class AuditText(Guid teamId, IReadOnlyList<MemberSummary> members, IReadOnlyList<TeamSummary> teams,
    IReadOnlyDictionary<string, string>? imageNames = null)
{
    /// <summary>The actions in words, for the filter: the keys themselves go into the API and the CSV.</summary>
    public static readonly IReadOnlyDictionary<string, string> ActionNames = new Dictionary<string, string>
    {
        [AuditActions.DatasetUploaded] = "Dataset uploaded", [AuditActions.DatasetRenamed] = "Dataset renamed",
        [AuditActions.DatasetDeleted] = "Dataset deleted", [AuditActions.ImagesTagged] = "Images tagged",
        [AuditActions.RunStarted] = "Run started", [AuditActions.RunCancelled] = "Run cancelled",
        [AuditActions.ModelDownloaded] = "Trained model downloaded", [AuditActions.ModelRegistered] = "Model version registered",
        [AuditActions.ModelImported] = "Model version imported", [AuditActions.VersionDownloaded] = "Model version downloaded",
        [AuditActions.AliasSet] = "Alias set", [AuditActions.CardUpdated] = "Model card updated",
        [AuditActions.VersionCopied] = "Model version copied", [AuditActions.VersionMoved] = "Model version moved",
        [AuditActions.VersionDeleted] = "Model version deleted", [AuditActions.InviteCreated] = "Invite created",
        [AuditActions.MemberJoined] = "Member joined", [AuditActions.MemberRoleChanged] = "Member role changed",
        [AuditActions.MemberRemoved] = "Member removed", [AuditActions.TeamRenamed] = "Team renamed",
        [AuditActions.ReviewRecorded] = "Review recorded", [AuditActions.ReviewUndone] = "Review undone", [AuditActions.ReviewQueued] = "Images sent to review",
    };

    public static string ActionName(string action) => ActionNames.GetValueOrDefault(action, action);

    /// <summary>Who did it: the e-mail while the account exists.</summary>
    public static string Who(AuditRecord entry) => entry.UserEmail ?? "a deleted account";

    public IReadOnlyList<Phrase> What(AuditRecord e)
    {
        var d = e.Details;
        var name = Text(d, "name");
        return e.Action switch
        {
            AuditActions.DatasetUploaded => ["uploaded dataset ", Dataset(e, name), $" ({Count(d, "images", "image")}{Skipped(d)})"],
            AuditActions.DatasetRenamed => ["renamed a dataset to ", Dataset(e, name)],
            AuditActions.DatasetDeleted => [$"deleted dataset {name ?? "(unnamed)"}"],
            AuditActions.ImagesTagged => [$"tagged {Count(d, "images", "image")} “{Text(d, "tag")}” in ", Phrase.Link("a dataset", $"datasets/{e.ObjectId}")],
            AuditActions.RunStarted => ["started a ", Phrase.Link("training run", $"runs/{e.ObjectId}"), $" of {Count(d, "epochs", "epoch")}"],
            AuditActions.RunCancelled => ["cancelled a ", Phrase.Link("training run", $"runs/{e.ObjectId}")],
            AuditActions.ModelDownloaded => ["downloaded a ", Phrase.Link("trained model", $"models/{e.ObjectId}")],
            AuditActions.ModelRegistered => ["registered ", Version(name, d, "version"), .. FromRun(d)],
            AuditActions.ModelImported => ["imported ", Version(name, d, "version"), " from a .vae file"],
            AuditActions.VersionDownloaded => ["downloaded ", Version(name, d, "version")],
            AuditActions.AliasSet => [$"set alias {Text(d, "alias")} on ", Version(name, d, "version"), .. Previous(d)],
            AuditActions.CardUpdated => ["updated the model card of ", Model(name)],
            AuditActions.VersionCopied or AuditActions.VersionMoved => Transfer(e),
            AuditActions.VersionDeleted => [$"deleted {name} v{Int(d, "version")}"],
            AuditActions.InviteCreated => [$"created an invite code for a new {Role(d, "role")}"],
            AuditActions.MemberJoined => [$"joined the team as {Role(d, "role")}"],
            AuditActions.MemberRoleChanged => [$"changed the role of {Member(e.ObjectId)} from {Role(d, "from")} to {Role(d, "to")}"],
            AuditActions.MemberRemoved => [d.TryGetProperty("left", out var left) && left.ValueKind == JsonValueKind.True
                ? "left the team" : $"removed {Member(e.ObjectId)} ({Role(d, "role")}) from the team"],
            AuditActions.TeamRenamed => [$"renamed the team to “{name}”"],
            AuditActions.ReviewRecorded => [$"reviewed {Image(e)}: {Text(d, "decision")?.ToLowerInvariant() ?? "decided"}"],
            AuditActions.ReviewUndone => [$"undid the review of {Image(e)}"],
            AuditActions.ReviewQueued => [$"sent {Count(d, "images", "image")} to review", .. Reason(d)],
            _ => [e.Action.Replace('.', ' ').Replace('_', ' ')],
        };
    }

    private static Phrase Dataset(AuditRecord e, string? name) => Phrase.Link(name ?? "a dataset", $"datasets/{e.ObjectId}");

    private static Phrase Model(string? name) => name is null ? "a model" : Phrase.Link(name, $"registry/{Uri.EscapeDataString(name)}");

    private static Phrase Version(string? name, JsonElement d, string key) =>
        name is null || Int(d, key) is not { } n ? "a model version" : Phrase.Link($"{name} v{n}", $"registry/{Uri.EscapeDataString(name)}/versions/{n}");

    private static Phrase[] FromRun(JsonElement d) =>
        Text(d, "runId") is { } run ? [" from a ", Phrase.Link("training run", $"runs/{run}")] : [];

    private static Phrase[] Previous(JsonElement d) => Int(d, "previous") is { } p ? [$" (was v{p})"] : [];

    private static Phrase[] Reason(JsonElement d) => Text(d, "reason") is { Length: > 0 } r ? [$" ({r})"] : [];

    /// <summary>A copy or move names the side in this team as a link and the other side by its team's name when the reader belongs to it.</summary>
    private Phrase[] Transfer(AuditRecord e)
    {
        var verb = e.Action == AuditActions.VersionMoved ? "moved" : "copied";
        if (!e.Details.TryGetProperty("from", out var from) || !e.Details.TryGetProperty("to", out var to)) return [verb + " a model version"];
        var outgoing = Text(from, "teamId") == teamId.ToString();
        var (here, there) = outgoing ? (from, to) : (to, from);
        var thereTeam = Guid.TryParse(Text(there, "teamId"), out var id) && teams.FirstOrDefault(t => t.Id == id) is { } t ? $"team {t.Name}" : "another team";
        var hereVersion = e.Action == AuditActions.VersionMoved && outgoing
            ? (Phrase)$"{Text(here, "name")} v{Int(here, "version")}" // moved away: the version no longer exists here
            : Version(Text(here, "name"), here, "version");
        var thereVersion = $"{Text(there, "name")} v{Int(there, "version")}";
        return outgoing
            ? [$"{verb} ", hereVersion, $" to {thereTeam} as {thereVersion}"]
            : [$"{verb} {thereVersion} from {thereTeam} here as ", hereVersion];
    }

    // By ImageNames ("image #2861 (shirt.png)"), the convention of every page; an image since deleted is "an image".
    private string Image(AuditRecord e) => imageNames?.GetValueOrDefault(e.ObjectId) is { } n ? "image " + n : "an image";

    private string Member(string userId) => members.FirstOrDefault(m => m.UserId == userId)?.Email ?? "a former member";

    private static string Role(JsonElement d, string key) => Text(d, key) is { Length: > 0 } role ? char.ToUpperInvariant(role[0]) + role[1..] : "member";

    private static string Skipped(JsonElement d) => Int(d, "skipped") is > 0 and var s ? $", {s} skipped" : "";

    private static string Count(JsonElement d, string key, string noun) => Int(d, key) is { } n
        ? $"{n.ToString("N0", CultureInfo.CurrentCulture)} {noun}{(n == 1 ? "" : "s")}"
        : noun + "s";

    private static string? Text(JsonElement d, string key) =>
        d.ValueKind == JsonValueKind.Object && d.TryGetProperty(key, out var v) ? v.ValueKind == JsonValueKind.String ? v.GetString() : v.GetRawText() : null;

    private static int? Int(JsonElement d, string key) =>
        d.ValueKind == JsonValueKind.Object && d.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var n) ? n : null;
}
