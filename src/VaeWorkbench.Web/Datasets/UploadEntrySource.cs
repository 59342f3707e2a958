using VaeWorkbench.Imaging;
using VaeWorkbench.Imaging.Datasets;
using VaeWorkbench.Web.Teams;

namespace VaeWorkbench.Web.Datasets;

/// <summary>
/// Turns the files of one upload into one lazy stream of dataset entries, named by what the user uploaded (never by the
/// temporary paths). ZIPs are read as ImageFolder archives, IDX image files are paired with the label file that has the
/// same record count, and anything else is read as a loose image. A file that cannot be read at all becomes one skip
/// with the reason; the other files go on.
/// </summary>
public static class UploadEntrySource
{
    /// <summary>The reason given for a ZIP in which no entry is an image (an empty archive, or one of other files only).</summary>
    public const string NoImagesInArchive = "the archive holds no images";

    /// <param name="idxClassNames">Names for IDX labels from a classes.txt (line i names label i), or null for "0", "1", ...</param>
    public static IEnumerable<DatasetEntry> Read(IReadOnlyList<UploadedFile> files, DatasetReadOptions options, CancellationToken ct,
        IReadOnlyList<string>? idxClassNames = null)
    {
        var idx = new List<(UploadedFile File, IdxFileHeader Header)>();
        var readers = new List<(string Name, Func<IEnumerable<DatasetEntry>> Open)>();
        foreach (var file in files)
        {
            var head = Head(file.TempPath);
            if (UploadKinds.IsZip(head))
                readers.Add((file.Name, () => ZipWithImages(file, options, ct)));
            else if (IdxFileHeader.LooksLikeIdxOrGzip(head) && IdxFileHeader.TryRead(file.TempPath) is { } header)
                idx.Add((file, header));
            else if (UploadKinds.IsGzip(head))
                readers.Add((file.Name, () => [new DatasetSkip(file.Name, "gzip file that is not an IDX image or label file")]));
            else
                readers.Add((file.Name, () => DatasetReader.ReadFiles([file.TempPath], options, ct).Select(e => Renamed(e, file.Name))));
        }
        if (idxClassNames is not null && !idx.Any(i => i.Header.Dimensions == 3))
            throw new RequestRejectedException($"{IdxClassNames.FileName} names the classes of IDX labels, but this upload has no IDX image file; in a ZIP the class folders' names are the class names.");
        readers.AddRange(PairIdx(idx, options, ct, idxClassNames));
        return readers.SelectMany(r => Guarded(r.Name, r.Open));
    }

    /// <summary>
    /// Pairs each IDX image file (3 dimensions) with a label file (1 dimension) of the same record count; where several
    /// match, the one whose name looks like the image file's ("images" → "labels") wins. Lone label files are skipped.
    /// </summary>
    private static IEnumerable<(string, Func<IEnumerable<DatasetEntry>>)> PairIdx(
        List<(UploadedFile File, IdxFileHeader Header)> idx, DatasetReadOptions options, CancellationToken ct, IReadOnlyList<string>? classNames)
    {
        var labels = idx.Where(i => i.Header.Dimensions == 1).ToList();
        foreach (var (file, header) in idx.Where(i => i.Header.Dimensions != 1))
        {
            if (header.Dimensions != 3)
            {
                yield return (file.Name, () => [new DatasetSkip(file.Name, $"IDX file with {header.Dimensions} dimensions; expected images (3) or labels (1)")]);
                continue;
            }
            var candidates = labels.Where(l => l.Header.Count == header.Count).ToList();
            var expectedName = file.Name.Replace("images", "labels", StringComparison.OrdinalIgnoreCase).Replace("idx3", "idx1", StringComparison.Ordinal);
            var match = candidates.FirstOrDefault(l => l.File.Name == expectedName);
            if (match.File is null && candidates.Count > 0) match = candidates[0];
            if (match.File is not null) labels.Remove(match);
            var labelPath = match.File?.TempPath;
            yield return (file.Name, () => DatasetReader.ReadIdx(file.TempPath, labelPath, options, ct).Select(e => Named(RenamedIdx(e, file.Name), classNames)));
        }
        foreach (var (file, header) in labels)
            yield return (file.Name, () => [new DatasetSkip(file.Name, $"IDX label file with {header.Count} labels, but no IDX image file with {header.Count} images was uploaded")]);
    }

    /// <summary>A ZIP's entries, then one skip for the archive itself when none of them was an image.</summary>
    private static IEnumerable<DatasetEntry> ZipWithImages(UploadedFile file, DatasetReadOptions options, CancellationToken ct)
    {
        var images = 0;
        var others = 0;
        foreach (var entry in DatasetReader.ReadZip(file.TempPath, options, ct))
        {
            if (entry is DatasetImage) images++;
            else others++;
            yield return entry;
        }
        if (images == 0)
            yield return new DatasetSkip(file.Name, others == 0
                ? $"{NoImagesInArchive} (it is empty)"
                : $"{NoImagesInArchive} (none of its {others} files is a PNG, JPEG, GIF, BMP, PNM or WebP image)");
    }

    /// <summary>Runs one file's reader, turning a failure of the whole file (damaged ZIP, bad IDX header) into a skip.</summary>
    private static IEnumerable<DatasetEntry> Guarded(string name, Func<IEnumerable<DatasetEntry>> open)
    {
        IEnumerator<DatasetEntry>? entries = null;
        string? failure = null;
        try
        {
            entries = open().GetEnumerator();
        }
        catch (Exception e) when (IsFileFailure(e))
        {
            failure = e.Message;
        }
        if (entries is null)
        {
            yield return new DatasetSkip(name, failure!);
            yield break;
        }
        using (entries)
        {
            while (true)
            {
                DatasetEntry current;
                try
                {
                    if (!entries.MoveNext()) yield break;
                    current = entries.Current;
                }
                catch (Exception e) when (IsFileFailure(e))
                {
                    failure = e.Message;
                    break;
                }
                yield return current;
            }
        }
        yield return new DatasetSkip(name, failure!);
    }

    private static bool IsFileFailure(Exception e) => e is InvalidImageException or InvalidDataException or UnauthorizedAccessException
        || e is IOException && e is not DirectoryNotFoundException;

    private static DatasetEntry Renamed(DatasetEntry entry, string name) => entry switch
    {
        DatasetImage image => image with { Name = name },
        DatasetSkip skip => skip with { Name = name },
        _ => entry,
    };

    /// <summary>An IDX image's label "k" becomes line k of classes.txt; a label past its last line refuses the upload.</summary>
    private static DatasetEntry Named(DatasetEntry entry, IReadOnlyList<string>? classNames)
    {
        if (classNames is null || entry is not DatasetImage { Label: { } label } image) return entry;
        var index = int.Parse(label, System.Globalization.CultureInfo.InvariantCulture);
        if (index >= classNames.Count)
            throw new RequestRejectedException($"{IdxClassNames.FileName} names {classNames.Count} classes (labels 0 to {classNames.Count - 1}), but the IDX labels include {index}.");
        return image with { Label = classNames[index] };
    }

    /// <summary>IDX entries are named "{temp file}#{i}"; show "{uploaded name}#{i}" instead.</summary>
    private static DatasetEntry RenamedIdx(DatasetEntry entry, string uploadName)
    {
        var hash = entry.Name.LastIndexOf('#');
        var name = hash >= 0 ? uploadName + entry.Name[hash..] : uploadName;
        return Renamed(entry, name);
    }

    private static byte[] Head(string path)
    {
        using var file = File.OpenRead(path);
        var head = new byte[4];
        return head[..file.ReadAtLeast(head, 4, throwOnEndOfStream: false)];
    }
}
