namespace VaeWorkbench.Imaging.Datasets;

/// <summary>
/// Decides whether a ZIP entry name is safe to use as a dataset item name. Entries are never extracted to disk,
/// but a name that would escape a directory there is a sign of a hostile archive, so it is refused, not repaired.
/// </summary>
public static class ZipEntryNames
{
    /// <summary>Null when the name is acceptable; otherwise why not.</summary>
    public static string? Problem(string name)
    {
        if (name.Length == 0) return "empty entry name";
        if (name.Length > 1024) return "entry name longer than 1024 characters";
        if (name.Contains('\\')) return "backslash in entry name (path trick)";
        if (name[0] == '/') return "absolute path";
        if (name.Length >= 2 && name[1] == ':' && char.IsAsciiLetter(name[0])) return "drive letter in entry name";
        foreach (var c in name)
        {
            if (char.IsControl(c)) return "control character in entry name";
            if (IsBidiControl(c)) return "bidirectional control character in entry name";
        }
        var segments = name.TrimEnd('/').Split('/');
        foreach (var segment in segments)
        {
            if (segment == "..") return "'..' in entry name (zip slip)";
            if (segment is "" or ".") return "empty or '.' path segment";
        }
        return null;
    }

    /// <summary>
    /// LRM/RLM, ALM, the embeddings and overrides (U+202A..E) and the isolates (U+2066..9): invisible characters that
    /// reorder what follows them, so "x\u202Egnp.exe" shows as "xexe.png".
    /// </summary>
    public static bool IsBidiControl(char c) =>
        c is '\u200E' or '\u200F' or '\u061C' or (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069');

    /// <summary>macOS resource forks and dot-files that archivers add and that are never images.</summary>
    public static bool IsSystemClutter(string name) =>
        name.StartsWith("__MACOSX/", StringComparison.Ordinal) || name.Split('/')[^1].StartsWith('.') || name.EndsWith("/Thumbs.db", StringComparison.OrdinalIgnoreCase) || name == "Thumbs.db";
}
