using VaeWorkbench.Imaging.Datasets;

namespace VaeWorkbench.Web.Datasets;

/// <summary>
/// Makes user-supplied file names (a browser's or an API client's file name, a ZIP entry name) fit to show and store.
/// Names are display text only: files are stored under content hashes, so nothing here is about paths. Control
/// characters (CR, LF, NUL) could break log lines and headers, and bidirectional controls (U+202E and friends) make
/// "x<RLO>gnp.exe" look like "xexe.png", so both are dropped; Razor encodes whatever is left when it is shown.
/// </summary>
public static class UploadNames
{
    public const int MaxFileNameLength = 200;

    /// <summary>An uploaded file's name without any folder part, cleaned and cut to <see cref="MaxFileNameLength"/>; "upload" when nothing is left.</summary>
    public static string FileName(string? raw)
    {
        var name = (raw ?? "").Replace('\\', '/');
        name = Clean(name[(name.LastIndexOf('/') + 1)..], MaxFileNameLength).Trim();
        return name.Length == 0 ? "upload" : name;
    }

    /// <summary>The text without control and bidirectional formatting characters, at most <paramref name="maxLength"/> characters.</summary>
    public static string Clean(string text, int maxLength)
    {
        var kept = new string(text.Where(c => !char.IsControl(c) && !ZipEntryNames.IsBidiControl(c)).ToArray());
        return kept.Length <= maxLength ? kept : kept[..(maxLength - 3)] + "...";
    }
}
