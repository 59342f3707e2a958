namespace VaeWorkbench.Imaging.Datasets;

/// <summary>A file left out of an import, and why.</summary>
public sealed record SkippedFile(string Name, string Reason);

/// <summary>An image whose decoded pixels equal an earlier one's (SHA-256 of pixels and shape).</summary>
public sealed record DuplicateFile(string Name, string DuplicateOf, string PixelHash);

/// <summary>
/// The outcome of an import: how many images were taken, which files were skipped and why (duplicates included,
/// with reason "duplicate of ..."), the duplicates again with the file they repeat, and images per label
/// (unlabeled images count under the empty string).
/// </summary>
public sealed record DatasetImportReport(int Imported, IReadOnlyList<SkippedFile> Skipped, IReadOnlyList<DuplicateFile> Duplicates, IReadOnlyDictionary<string, int> LabelCounts);

/// <summary>Consumes a dataset reader's entries, drops duplicates by pixel hash, and hands each new image to a callback.</summary>
public static class DatasetImporter
{
    public static DatasetImportReport Import(IEnumerable<DatasetEntry> entries, Action<DatasetImage>? onImage = null, CancellationToken cancellationToken = default)
    {
        var skipped = new List<SkippedFile>();
        var duplicates = new List<DuplicateFile>();
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        var labels = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var imported = 0;
        foreach (var entry in entries)
        {
            cancellationToken.ThrowIfCancellationRequested();
            switch (entry)
            {
                case DatasetSkip skip:
                    skipped.Add(new SkippedFile(skip.Name, skip.Reason));
                    break;
                case DatasetImage image when seen.TryGetValue(image.PixelHash, out var first):
                    duplicates.Add(new DuplicateFile(image.Name, first, image.PixelHash));
                    skipped.Add(new SkippedFile(image.Name, $"duplicate of {first} (same decoded pixels)"));
                    break;
                case DatasetImage image:
                    seen.Add(image.PixelHash, image.Name);
                    onImage?.Invoke(image);
                    imported++;
                    var key = image.Label ?? "";
                    labels[key] = labels.GetValueOrDefault(key) + 1;
                    break;
            }
        }
        return new DatasetImportReport(imported, skipped, duplicates, labels);
    }
}
