using System.Text;
using System.Text.RegularExpressions;
using VaeWorkbench.Web.Teams;

namespace VaeWorkbench.Web.Registry;

/// <summary>Rules for the user-chosen words of the registry: model names, aliases, tags, descriptions and model cards.</summary>
internal static partial class RegistryNames
{
    public const int MaxNameLength = 100;
    public const int MaxAliasLength = 40;
    public const int MaxTagLength = 40;
    public const int MaxTags = 20;
    public const int MaxDescriptionLength = 20_000;
    /// <summary>Counted in UTF-8 bytes, what the card costs to store and send, whatever alphabet it is written in.</summary>
    public const int MaxCardBytes = 64 * 1024;

    // Names travel in URL paths, so they are plain: letters, digits, '.', '_' and '-', starting with a letter or digit.
    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]*$")]
    private static partial Regex NamePattern();

    [GeneratedRegex("^[a-z0-9][a-z0-9_-]*$")]
    private static partial Regex AliasPattern();

    public static string Name(string? name)
    {
        var trimmed = name?.Trim() ?? "";
        if (trimmed.Length == 0) throw new RequestRejectedException("A registered model needs a name.");
        if (trimmed.Length > MaxNameLength) throw new RequestRejectedException($"A model name is at most {MaxNameLength} characters.");
        if (!NamePattern().IsMatch(trimmed))
            throw new RequestRejectedException($"The model name '{trimmed}' may use only letters, digits, '.', '_' and '-', and must start with a letter or digit.");
        return trimmed;
    }

    public static string Alias(string? alias)
    {
        var trimmed = alias?.Trim() ?? "";
        if (trimmed.Length is 0 or > MaxAliasLength || !AliasPattern().IsMatch(trimmed))
            throw new RequestRejectedException($"An alias is 1 to {MaxAliasLength} lower-case letters, digits, '_' or '-', such as 'production' or 'candidate'.");
        return trimmed;
    }

    public static List<string> Tags(IEnumerable<string>? tags)
    {
        var result = new List<string>();
        foreach (var tag in tags ?? [])
        {
            if (string.IsNullOrWhiteSpace(tag)) continue;
            var trimmed = UserGivenNames.Validate(tag, "A tag", MaxTagLength);
            if (trimmed.Contains(',')) throw new RequestRejectedException("A tag cannot contain a comma.");
            if (!result.Contains(trimmed, StringComparer.OrdinalIgnoreCase)) result.Add(trimmed);
        }
        if (result.Count > MaxTags) throw new RequestRejectedException($"A version has at most {MaxTags} tags.");
        return result;
    }

    public static string Description(string? description)
    {
        var text = description ?? "";
        if (text.Length > MaxDescriptionLength) throw new RequestRejectedException($"A description is at most {MaxDescriptionLength} characters.");
        return text;
    }

    public static string Card(string? markdown)
    {
        if (markdown is null) throw new RequestRejectedException("Send the model card as markdown: {\"markdown\": \"...\"}; an empty string clears it.");
        var bytes = Encoding.UTF8.GetByteCount(markdown);
        if (bytes > MaxCardBytes)
            throw new RequestRejectedException($"markdown is at most {MaxCardBytes / 1024} KiB ({MaxCardBytes:N0} bytes of UTF-8); this card has {bytes:N0}.");
        return markdown;
    }
}
