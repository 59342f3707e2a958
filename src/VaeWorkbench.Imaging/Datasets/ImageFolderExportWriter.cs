using System.Globalization;
using System.IO.Compression;
using System.Text;

namespace VaeWorkbench.Imaging.Datasets;

/// <summary>Where an exported image came from, for the manifest's <c>source</c> column.</summary>
public enum ExportSource { Generated, Original }

/// <summary>
/// Writes an augmented set in ImageFolder layout, the form torchvision's <c>ImageFolder</c> trains from:
/// <c>class_name/000001.png</c> (<c>unlabeled/</c> without a class; originals as <c>class_name/original_000001.png</c>),
/// then <c>manifest.csv</c> (<c>file,class,source,model,mode,seed,score</c>) and <c>provenance.json</c>.
/// The target is a ZIP on any stream (written entry by entry, so a response body can take it without the archive
/// ever being whole in memory) or a directory. The manifest's rows wait in a temporary file that deletes itself.
/// </summary>
public sealed class ImageFolderExportWriter : IDisposable
{
    public const string Unlabeled = "unlabeled";
    private readonly ZipArchive? _zip;
    private readonly string? _directory;
    private readonly string _model, _mode, _seed;
    private readonly FileStream _manifestFile = new(Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose);
    private readonly StreamWriter _manifest;
    private readonly Dictionary<(string, ExportSource), int> _counters = [];

    private ImageFolderExportWriter(ZipArchive? zip, string? directory, string model, string mode, string seed)
    {
        _zip = zip;
        _directory = directory;
        _model = model;
        _mode = mode;
        _seed = seed;
        _manifest = new StreamWriter(_manifestFile, new UTF8Encoding(false), 1 << 16, leaveOpen: true) { NewLine = "\n" };
        _manifest.Write("file,class,source,model,mode,seed,score\n");
    }

    public static ImageFolderExportWriter ToZip(Stream output, string model, string mode, string seed) =>
        new(new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true), null, model, mode, seed);

    public static ImageFolderExportWriter ToDirectory(string directory, string model, string mode, string seed)
    {
        Directory.CreateDirectory(directory);
        return new(null, directory, model, mode, seed);
    }

    /// <summary>Adds one encoded PNG file and returns its path inside the export.</summary>
    public string Add(string? className, ExportSource source, double? score, byte[] png) =>
        Add(className, source, score, s => s.Write(png));

    /// <summary>Adds one PNG, written by <paramref name="writePng"/>, and returns its path inside the export.</summary>
    public string Add(string? className, ExportSource source, double? score, Action<Stream> writePng)
    {
        var folder = FolderName(className);
        var key = (folder, source);
        var number = _counters[key] = _counters.GetValueOrDefault(key) + 1;
        var file = $"{folder}/{(source == ExportSource.Original ? "original_" : "")}{number:D6}.png";
        using (var stream = OpenEntry(file, CompressionLevel.NoCompression)) writePng(stream); // PNG is compressed already
        _manifest.Write(string.Join(',', Csv(file), Csv(className ?? ""), source == ExportSource.Generated ? "generated" : "original",
            Csv(_model), Csv(_mode), Csv(_seed), score is { } s && double.IsFinite(s) ? s.ToString("R", CultureInfo.InvariantCulture) : ""));
        _manifest.Write('\n');
        return file;
    }

    /// <summary>Writes <c>manifest.csv</c> and <c>provenance.json</c>; call once, after the last image.</summary>
    public void Finish(string provenanceJson)
    {
        _manifest.Flush();
        _manifestFile.Position = 0;
        using (var manifest = OpenEntry("manifest.csv", CompressionLevel.Fastest))
            _manifestFile.CopyTo(manifest);
        using var provenance = OpenEntry("provenance.json", CompressionLevel.Fastest);
        provenance.Write(Encoding.UTF8.GetBytes(provenanceJson));
    }

    public void Dispose()
    {
        _zip?.Dispose();
        _manifest.Dispose();
        _manifestFile.Dispose();
    }

    /// <summary>A class name as one safe path segment: separators, dots-only names and control characters are replaced.</summary>
    public static string FolderName(string? className)
    {
        if (string.IsNullOrWhiteSpace(className)) return Unlabeled;
        var chars = className.Trim().Select(c => c is '/' or '\\' or ':' || char.IsControl(c) || Path.GetInvalidFileNameChars().Contains(c) ? '_' : c).ToArray();
        var name = new string(chars);
        return name.Trim('.').Length == 0 ? "_" + name : name;
    }

    private Stream OpenEntry(string name, CompressionLevel level)
    {
        if (_zip is not null) return _zip.CreateEntry(name, level).Open();
        var path = Path.Combine(_directory!, name.Replace('/', Path.DirectorySeparatorChar));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        return File.Create(path);
    }

    private static string Csv(string value) =>
        value.IndexOfAny([',', '"', '\n', '\r']) < 0 ? value : "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
