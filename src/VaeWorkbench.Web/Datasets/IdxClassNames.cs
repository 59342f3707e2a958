using System.Text;
using VaeWorkbench.Web.Teams;

namespace VaeWorkbench.Web.Datasets;

/// <summary>
/// Class names for IDX labels: a <c>classes.txt</c> uploaded beside the IDX files (UTF-8, one name per line, line i names
/// label i), and the rule every class name follows, whether it comes from that file or from a rename.
/// </summary>
public static class IdxClassNames
{
    public const string FileName = "classes.txt";

    public const int MaxNameLength = 100;

    /// <summary>More than any sensible list of class names; a larger file is refused before it is read.</summary>
    public const int MaxFileBytes = 256 * 1024;

    public static bool IsClassList(UploadedFile file) =>
        string.Equals(Path.GetFileName(file.Name.Replace('\\', '/')), FileName, StringComparison.OrdinalIgnoreCase);

    /// <summary>Takes a classes.txt out of the upload's files; returns the other files and its names (null when there is none).</summary>
    public static (IReadOnlyList<UploadedFile> Files, IReadOnlyList<string>? Names) Split(IReadOnlyList<UploadedFile> files)
    {
        var lists = files.Where(IsClassList).ToList();
        if (lists.Count == 0) return (files, null);
        if (lists.Count > 1) throw new RequestRejectedException($"The upload holds {lists.Count} files named {FileName}; give one.");
        var length = new FileInfo(lists[0].TempPath).Length;
        if (length > MaxFileBytes) throw new RequestRejectedException($"{FileName} is {length} bytes, limit is {MaxFileBytes}.");
        string text;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(File.ReadAllBytes(lists[0].TempPath)).TrimStart('\uFEFF');
        }
        catch (DecoderFallbackException)
        {
            throw new RequestRejectedException($"{FileName} is not UTF-8 text.");
        }
        var lines = text.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        while (lines.Count > 0 && lines[^1].Trim().Length == 0) lines.RemoveAt(lines.Count - 1);
        if (lines.Count == 0) throw new RequestRejectedException($"{FileName} is empty; give one class name per line (line 1 names label 0).");
        List<string> names;
        try
        {
            names = Validate(lines, i => $"The class name on line {i + 1} of {FileName}");
        }
        catch (RequestRejectedException e) when (e.Field is not null)
        {
            // In an upload the fault is in the file, which the message names; the request has no names[i] field.
            throw new RequestRejectedException(e.Message);
        }
        return (files.Where(f => !IsClassList(f)).ToList(), names);
    }

    /// <summary>Each name by <see cref="UserGivenNames"/>, and no two alike.</summary>
    public static List<string> Validate(IReadOnlyList<string?> names, Func<int, string> subject)
    {
        // Each refusal names the entry it is about (names[i]), so a form shows it at that class's field.
        var valid = names.Select((n, i) => Labels.LabelRules.AtField($"names[{i}]", () => UserGivenNames.Validate(n, subject(i), MaxNameLength))).ToList();
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < valid.Count; i++)
        {
            if (seen.TryGetValue(valid[i], out var first))
                throw new RequestRejectedException($"Class names must differ: '{valid[i]}' is given for label {first} and label {i}.", $"names[{i}]");
            seen[valid[i]] = i;
        }
        return valid;
    }
}
