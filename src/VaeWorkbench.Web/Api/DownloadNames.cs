using System.Text;

namespace VaeWorkbench.Web.Api;

/// <summary>
/// Content-Disposition values for files whose names come from users (RFC 6266): an ASCII <c>filename</c> that any
/// client can take as it is (letters, digits and <c>._-()</c>; anything else becomes <c>_</c>, Windows device names get a
/// <c>_</c> prefix) and a UTF-8 <c>filename*</c> (RFC 8187, percent-encoded) with the real name for clients that read it.
/// Neither can carry a quote, CR, LF, path separator or bidirectional control into the header or onto a disk.
/// </summary>
internal static class DownloadNames
{
    private const int MaxStemLength = 100;

    private static readonly HashSet<string> WindowsDeviceNames = new(StringComparer.OrdinalIgnoreCase)
    {
        "CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9",
        "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
    };

    /// <summary>
    /// <c>{disposition}; filename="…"; filename*=UTF-8''…</c> for a file served with <paramref name="extension"/>: the stem
    /// of <paramref name="originalName"/> (its folders and last extension dropped), or <paramref name="fallbackStem"/> when
    /// nothing usable is left. The served extension always wins, so "x.png.exe" downloads as "x.png.png".
    /// </summary>
    public static string ContentDisposition(string disposition, string? originalName, string extension, string fallbackStem)
    {
        var stem = Stem(originalName);
        if (stem.Length == 0) stem = fallbackStem;
        var ascii = AsciiFallback(stem);
        if (ascii.Trim('_').Length == 0) ascii = fallbackStem;
        return $"{disposition}; filename=\"{ascii}{extension}\"; filename*=UTF-8''{Uri.EscapeDataString(stem + extension)}";
    }

    /// <summary>The last path segment without its extension, without control and bidi characters, at most 100 characters.</summary>
    private static string Stem(string? name)
    {
        var cleaned = Datasets.UploadNames.Clean((name ?? "").Replace('\\', '/'), int.MaxValue);
        cleaned = cleaned[(cleaned.LastIndexOf('/') + 1)..];
        var dot = cleaned.LastIndexOf('.');
        if (dot > 0) cleaned = cleaned[..dot];
        cleaned = cleaned.Trim().TrimStart('.');
        if (cleaned.Length <= MaxStemLength) return cleaned;
        return cleaned[..(char.IsHighSurrogate(cleaned[MaxStemLength - 1]) ? MaxStemLength - 1 : MaxStemLength)];
    }

    private static string AsciiFallback(string stem)
    {
        var ascii = new StringBuilder(stem.Length);
        foreach (var c in stem) ascii.Append(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' or '(' or ')' ? c : '_');
        var text = ascii.ToString();
        var device = text.Split('.')[0];
        return WindowsDeviceNames.Contains(device) ? "_" + text : text;
    }
}
