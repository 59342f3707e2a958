using System.Globalization;
using System.Text;

namespace VaeWorkbench.Imaging.Datasets;

/// <summary>Where an exported image came from, for the manifest's <c>source</c> column.</summary>
public enum ExportSource { Generated, Original }

/// <summary>
/// Writes an augmented set in ImageFolder layout, the form torchvision's <c>ImageFolder</c> trains from:
/// <c>class_name/000001.png</c> (<c>unlabeled/</c> without a class; originals as <c>class_name/original_000001.png</c>),
/// then <c>manifest.csv</c> (<c>file,class,source,model,mode,seed,score</c>) and <c>provenance.json</c>.
/// The target is a ZIP on any stream (written front to back by <see cref="ZipStreamWriter"/>, so a response body can
/// take it without the archive ever being whole in memory) or a directory. The manifest's rows wait in a temporary file
/// that deletes itself.
/// </summary>
public sealed class ImageFolderExportWriter : IDisposable
{
    public const string Unlabeled = "unlabeled";
    private static readonly char[] InvalidFileNameChars = Path.GetInvalidFileNameChars();
    private readonly ZipStreamWriter? _zip;
    private readonly string? _directory;
    private readonly string _fixedColumns; // model,mode,seed, and the comma before the score
    private readonly HashSet<string> _folders = [];
    private readonly FileStream _manifestFile = new(Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose);
    private readonly StreamWriter _manifest;
    // Files numbered per folder, one table per source (generated, original).
    private readonly Dictionary<string, int>[] _counters = [[], []];

    private ImageFolderExportWriter(ZipStreamWriter? zip, string? directory, string model, string mode, string seed)
    {
        _zip = zip;
        _directory = directory;
        _fixedColumns = string.Join(',', Csv(model), Csv(mode), Csv(seed)) + ",";
        _manifest = new StreamWriter(_manifestFile, new UTF8Encoding(false), 1 << 16, leaveOpen: true) { NewLine = "\n" };
        _manifest.Write("file,class,source,model,mode,seed,score\n");
    }

    public static ImageFolderExportWriter ToZip(Stream output, string model, string mode, string seed) =>
        new(new ZipStreamWriter(output, DateTime.Now), null, model, mode, seed);

    public static ImageFolderExportWriter ToDirectory(string directory, string model, string mode, string seed)
    {
        Directory.CreateDirectory(directory);
        return new(null, directory, model, mode, seed);
    }

    /// <summary>Adds one encoded PNG file and returns its path inside the export.</summary>
    public string Add(string? className, ExportSource source, double? score, ReadOnlySpan<byte> png)
    {
        var folder = FolderName(className);
        var counters = _counters[(int)source];
        var number = counters[folder] = counters.GetValueOrDefault(folder) + 1;
        var file = string.Create(CultureInfo.InvariantCulture, $"{folder}/{(source == ExportSource.Original ? "original_" : "")}{number:D6}.png");
        if (_zip is not null)
        {
            _zip.AddStored(file, png); // PNG is compressed already
        }
        else
        {
            if (_folders.Add(folder)) Directory.CreateDirectory(Path.Combine(_directory!, folder));
            using var stream = File.Create(Path.Combine(_directory!, file.Replace('/', Path.DirectorySeparatorChar)));
            stream.Write(png);
        }
        _manifest.Write(Csv(file));
        _manifest.Write(',');
        _manifest.Write(Csv(className ?? ""));
        _manifest.Write(source == ExportSource.Generated ? ",generated," : ",original,");
        _manifest.Write(_fixedColumns);
        if (score is { } s && double.IsFinite(s)) _manifest.Write(s.ToString("R", CultureInfo.InvariantCulture));
        _manifest.Write('\n');
        return file;
    }

    /// <summary>Writes <c>manifest.csv</c> and <c>provenance.json</c>; call once, after the last image.</summary>
    public void Finish(string provenanceJson)
    {
        _manifest.Flush();
        _manifestFile.Position = 0;
        var provenance = Encoding.UTF8.GetBytes(provenanceJson);
        if (_zip is not null)
        {
            _zip.AddDeflated("manifest.csv", _manifestFile);
            _zip.AddDeflated("provenance.json", new MemoryStream(provenance));
            _zip.Finish();
            return;
        }
        using (var manifest = File.Create(Path.Combine(_directory!, "manifest.csv"))) _manifestFile.CopyTo(manifest);
        File.WriteAllBytes(Path.Combine(_directory!, "provenance.json"), provenance);
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
        var chars = className.Trim().Select(c => c is '/' or '\\' or ':' || char.IsControl(c) || InvalidFileNameChars.Contains(c) ? '_' : c).ToArray();
        var name = new string(chars);
        return name.Trim('.').Length == 0 ? "_" + name : name;
    }

    private static string Csv(string value) =>
        value.IndexOfAny([',', '"', '\n', '\r']) < 0 ? value : "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
