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

    public static string Name(string? name, string subject) => AtField("name", () => UserGivenNames.Validate(name, subject, MaxNameLength));

    /// <summary>Trimmed, de-duplicated (ignoring case) and validated tags, as the registry's versions have them.</summary>
    public static List<string> Tags(IEnumerable<string>? tags) => AtField("tags", () => RegistryNames.Tags(tags));

    public static string Notes(string? notes) => AtField("notes", () => CheckNotes(notes));

    /// <summary>
    /// Runs a rule whose refusals name no field and names <paramref name="field"/> on them, so that the API lists the
    /// message under the request's field and the page shows it at that field.
    /// </summary>
    public static T AtField<T>(string field, Func<T> rule)
    {
        try
        {
            return rule();
        }
        catch (RequestRejectedException e) when (e.Field is null)
        {
            throw new RequestRejectedException(e.Message, field);
        }
    }

    private static string CheckNotes(string? notes)
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
    public static Dictionary<string, object> Apply(ILabelled target, LabelPatch patch, string nameSubject) =>
        Apply(target, patch, name => Name(name, nameSubject));

    /// <inheritdoc cref="Apply(ILabelled, LabelPatch, string)"/>
    /// <param name="nameRule">Validates a new name (registered models have a stricter rule than runs and sets).</param>
    public static Dictionary<string, object> Apply(ILabelled target, LabelPatch patch, Func<string, string> nameRule)
    {
        var changed = new Dictionary<string, object>();
        if (patch.Name is not null)
        {
            var name = nameRule(patch.Name);
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
        return WithTag(query, tag);
    }

    /// <summary>Only the objects that carry <paramref name="tag"/> as one whole tag (all of them when it is blank).</summary>
    public static IQueryable<T> WithTag<T>(IQueryable<T> query, string? tag) where T : class, ILabelled
    {
        if (string.IsNullOrWhiteSpace(tag)) return query;
        var needle = JsonSerializer.Serialize(tag.Trim(), TagJson);
        return query.Where(x => x.TagsJson.Contains(needle));
    }

    /// <summary>Every tag that the objects carry, once each (ignoring case), in alphabetical order: the choices of a tag filter.</summary>
    public static async Task<List<string>> KnownTagsAsync<T>(IQueryable<T> query, CancellationToken ct = default) where T : class, ILabelled =>
        Distinct((await query.Select(x => x.TagsJson).ToListAsync(ct)).SelectMany(ReadTags));

    public static List<string> Distinct(IEnumerable<string> tags) =>
        [.. tags.Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.OrdinalIgnoreCase)];

}
