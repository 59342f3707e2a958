using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using VaeWorkbench.Web.Data;
using VaeWorkbench.Web.Registry;
using VaeWorkbench.Web.Teams;

namespace VaeWorkbench.Web.Labels;

/// <summary>What people call a run or an augmented set, and how they find it again: a name, tags and free-text notes.</summary>
public interface ILabelled
{
    Guid Id { get; }

    Guid TeamId { get; }

    string Name { get; set; }

    /// <summary>Tags as a JSON array of strings, written by <see cref="LabelRules.WriteTags"/> so that a filter can match one in SQL.</summary>
    string TagsJson { get; set; }

    string Notes { get; set; }
}

/// <summary><c>PATCH</c> body for a run, an augmented set or a registered model. A field left out (or null) stays as it is.</summary>
public sealed record LabelPatch(string? Name, IReadOnlyList<string>? Tags, string? Notes);

/// <summary>A labelled object's name, tags and notes, as <c>PATCH</c> answers them.</summary>
public sealed record LabelsResponse(Guid Id, string Name, IReadOnlyList<string> Tags, string Notes);

/// <summary>The rules for names, tags and notes, and the <c>?q=</c> and <c>?tag=</c> list filters.</summary>
public static class LabelRules
{
    public const int MaxNameLength = 100;
    public const int MaxNotesLength = 10_000;

    // Non-ASCII stays literal (the default encoder writes \u00e9), so a tag's JSON form is a plain substring of the
    // column and a filter can look for it in SQL on any provider.
    private static readonly JsonSerializerOptions TagJson = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Name(string? name, string subject) => UserGivenNames.Validate(name, subject, MaxNameLength);

    /// <summary>Trimmed, de-duplicated (ignoring case) and validated tags, as the registry's versions have them.</summary>
    public static List<string> Tags(IEnumerable<string>? tags) => RegistryNames.Tags(tags);

    public static string Notes(string? notes)
    {
        var text = (notes ?? "").Trim();
        if (text.Length > MaxNotesLength) throw new RequestRejectedException($"Notes are at most {MaxNotesLength:N0} characters.");
        foreach (var c in text)
        {
            // Line breaks and tabs belong in notes; other control characters and bidi overrides hide text from readers.
            if (char.IsControl(c) && c is not ('\n' or '\r' or '\t'))
                throw new RequestRejectedException("Notes cannot contain control characters other than line breaks and tabs.");
            if (c is '\u200E' or '\u200F' or '\u061C' or (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069'))
                throw new RequestRejectedException("Notes cannot contain right-to-left or left-to-right control characters.");
        }
        return text;
    }

    public static string WriteTags(IEnumerable<string> tags) => JsonSerializer.Serialize(tags, TagJson);

    public static List<string> ReadTags(string? json) =>
        string.IsNullOrEmpty(json) ? [] : JsonSerializer.Deserialize<List<string>>(json) ?? [];

    /// <summary>Applies a validated patch; returns what changed, for the audit log.</summary>
    public static Dictionary<string, object> Apply(ILabelled target, LabelPatch patch, string nameSubject)
    {
        var changed = new Dictionary<string, object>();
        if (patch.Name is not null)
        {
            var name = Name(patch.Name, nameSubject);
            if (name != target.Name) changed["name"] = name;
            target.Name = name;
        }
        if (patch.Tags is not null)
        {
            var tags = WriteTags(Tags(patch.Tags));
            if (tags != target.TagsJson) changed["tags"] = ReadTags(tags);
            target.TagsJson = tags;
        }
        if (patch.Notes is not null)
        {
            var notes = Notes(patch.Notes);
            if (notes != target.Notes) changed["notes"] = true;
            target.Notes = notes;
        }
        return changed;
    }

    /// <summary>
    /// <paramref name="text"/> matches the name or the notes (ignoring case; see <see cref="TextSearch"/>);
    /// <paramref name="tag"/> matches one whole tag exactly.
    /// </summary>
    public static IQueryable<T> Filter<T>(IQueryable<T> query, AppDbContext db, string? text, string? tag) where T : class, ILabelled
    {
        if (!string.IsNullOrWhiteSpace(text))
        {
            query = query.Where(TextSearch.AnyContains(query, db, text, x => x.Name, x => x.Notes));
        }
        if (!string.IsNullOrWhiteSpace(tag))
        {
            var needle = JsonSerializer.Serialize(tag.Trim(), TagJson);
            query = query.Where(x => x.TagsJson.Contains(needle));
        }
        return query;
    }

}
