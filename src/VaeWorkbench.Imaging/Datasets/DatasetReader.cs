using VaeWorkbench.Imaging.Formats;

namespace VaeWorkbench.Imaging.Datasets;

/// <summary>
/// Reads datasets one item at a time: an ImageFolder directory or ZIP (<c>class_name/*.png</c> gives the label
/// <c>class_name</c>, files at the root have none), a list of loose files, or an IDX image file with its labels.
/// A file that fails is yielded as a <see cref="DatasetSkip"/> and the reading goes on. Enumerate lazily: only
/// one decoded image is held at a time unless the caller keeps them.
/// </summary>
public static class DatasetReader
{
    /// <summary>Picks the reader from what <paramref name="path"/> is: a directory, a ZIP, an IDX file or a single image.</summary>
    public static IEnumerable<DatasetEntry> Read(string path, DatasetReadOptions? options = null, CancellationToken cancellationToken = default)
    {
        if (Directory.Exists(path)) return ReadFolder(path, options, cancellationToken);
        if (!File.Exists(path)) throw new FileNotFoundException($"no file or folder at {path}", path);
        Span<byte> head = stackalloc byte[4];
        using (var probe = File.OpenRead(path)) head = head[..probe.ReadAtLeast(head, 4, throwOnEndOfStream: false)];
        if (head.Length >= 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4) return ReadZip(path, options, cancellationToken);
        if (IdxReader.LooksLikeIdx(head) || (head.Length >= 2 && head[0] == 0x1F && head[1] == 0x8B)) return ReadIdx(path, FindIdxLabels(path), options, cancellationToken);
        return ReadFiles([path], options, cancellationToken);
    }

    public static IEnumerable<DatasetEntry> ReadFolder(string root, DatasetReadOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= DatasetReadOptions.Default;
        var rootInfo = new DirectoryInfo(root);
        if (!rootInfo.Exists) throw new DirectoryNotFoundException($"dataset folder {root} does not exist");
        var count = 0;
        foreach (var (file, relative) in Walk(rootInfo, ""))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (++count > options.MaxEntries)
            {
                yield return new DatasetSkip(relative, $"folder holds more than {options.MaxEntries} files; this and later files were not read");
                yield break;
            }
            if (file.LinkTarget is not null)
            {
                yield return new DatasetSkip(relative, "symbolic link, not followed");
                continue;
            }
            if (ZipEntryNames.IsSystemClutter(relative))
            {
                yield return new DatasetSkip(relative, "hidden or system file");
                continue;
            }
            yield return ReadFile(file, relative, LabelOf(relative), options);
        }
    }

    /// <summary>Loose files, all unlabeled (or all with <paramref name="label"/>). Names are the file names.</summary>
    public static IEnumerable<DatasetEntry> ReadFiles(IEnumerable<string> paths, DatasetReadOptions? options = null, CancellationToken cancellationToken = default, string? label = null)
    {
        options ??= DatasetReadOptions.Default;
        foreach (var path in paths)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var file = new FileInfo(path);
            yield return file.Exists ? ReadFile(file, file.Name, label, options) : new DatasetSkip(file.Name, "file does not exist");
        }
    }

    public static IEnumerable<DatasetEntry> ReadZip(string path, DatasetReadOptions? options = null, CancellationToken cancellationToken = default)
    {
        using var stream = File.OpenRead(path);
        foreach (var entry in ZipDatasetReader.Read(stream, options ?? DatasetReadOptions.Default, cancellationToken))
            yield return entry;
    }

    /// <summary>Reads a ZIP from a seekable stream (a file or a buffered upload).</summary>
    public static IEnumerable<DatasetEntry> ReadZip(Stream stream, DatasetReadOptions? options = null, CancellationToken cancellationToken = default) =>
        ZipDatasetReader.Read(stream, options ?? DatasetReadOptions.Default, cancellationToken);

    /// <summary>An IDX image file, with labels "0", "1", ... from the label file when one is given. Names are <c>file#index</c>.</summary>
    public static IEnumerable<DatasetEntry> ReadIdx(string imagesPath, string? labelsPath, DatasetReadOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= DatasetReadOptions.Default;
        var images = IdxReader.ReadImages(imagesPath, options.Limits);
        var labels = labelsPath is null ? null : IdxReader.ReadLabels(labelsPath, options.Limits);
        if (labels is not null && labels.Length != images.Count)
            throw new InvalidImageException($"IDX label file has {labels.Length} labels for {images.Count} images");
        if (images.Count > options.MaxEntries)
            throw new InvalidImageException($"IDX file holds {images.Count} images, limit is {options.MaxEntries}");
        var name = Path.GetFileName(imagesPath);
        return Enumerate();

        IEnumerable<DatasetEntry> Enumerate()
        {
            for (var i = 0; i < images.Count; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var image = new Image(images.Columns, images.Rows, 1, images.ImageBytes(i).ToArray());
                yield return new DatasetImage($"{name}#{i}", labels?[i].ToString(System.Globalization.CultureInfo.InvariantCulture), ImageFormat.Idx, image);
            }
        }
    }

    /// <summary>Decodes one item's bytes, turning any decoding failure into a skip with the decoder's message.</summary>
    internal static DatasetEntry DecodeItem(string name, string? label, byte[] data, DatasetReadOptions options)
    {
        if (IsArchive(data)) return new DatasetSkip(name, "nested archive, not opened");
        try
        {
            var format = ImageDecoder.DetectFormat(data);
            return new DatasetImage(name, label, format, ImageDecoder.Decode(data, options.Limits));
        }
        catch (InvalidImageException e)
        {
            return new DatasetSkip(name, e.Message);
        }
    }

    private static bool IsArchive(ReadOnlySpan<byte> data) =>
        data.Length >= 4 && data[0] == 'P' && data[1] == 'K' && data[2] is 3 or 5 or 7 ||  // ZIP
        data.Length >= 2 && data[0] == 0x1F && data[1] == 0x8B ||                          // gzip
        data.Length >= 6 && data[..6].SequenceEqual((ReadOnlySpan<byte>)[0x37, 0x7A, 0xBC, 0xAF, 0x27, 0x1C]) ||
        data.Length >= 4 && data[..4].SequenceEqual("Rar!"u8) ||
        data.Length >= 262 && data.Slice(257, 5).SequenceEqual("ustar"u8);                // tar

    private static DatasetEntry ReadFile(FileInfo file, string name, string? label, DatasetReadOptions options)
    {
        try
        {
            if (file.Length > options.Limits.MaxFileBytes)
                return new DatasetSkip(name, $"file is {file.Length} bytes, limit is {options.Limits.MaxFileBytes}");
            using var stream = file.OpenRead();
            return DecodeItem(name, label, ImageDecoder.ReadAllBounded(stream, options.Limits), options);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidImageException)
        {
            return new DatasetSkip(name, e.Message);
        }
    }

    /// <summary>The class folder: the first path segment when the file is inside one, else none.</summary>
    internal static string? LabelOf(string relativePath)
    {
        var slash = relativePath.IndexOf('/');
        return slash > 0 ? relativePath[..slash] : null;
    }

    /// <summary>Files below <paramref name="dir"/> in ordinal name order; symbolic links are yielded (to be reported) but never entered.</summary>
    private static IEnumerable<(FileInfo File, string Relative)> Walk(DirectoryInfo dir, string prefix)
    {
        var children = dir.EnumerateFileSystemInfos().OrderBy(i => i.Name, StringComparer.Ordinal).ToList();
        foreach (var child in children)
        {
            var relative = prefix + child.Name;
            if (child is DirectoryInfo sub && sub.LinkTarget is null)
            {
                foreach (var item in Walk(sub, relative + "/")) yield return item;
            }
            else
            {
                yield return (child as FileInfo ?? new FileInfo(child.FullName), relative);
            }
        }
    }

    /// <summary>"train-images-idx3-ubyte.gz" pairs with "train-labels-idx1-ubyte.gz" beside it, when that exists.</summary>
    private static string? FindIdxLabels(string imagesPath)
    {
        var name = Path.GetFileName(imagesPath);
        var candidate = name.Replace("images", "labels", StringComparison.Ordinal).Replace("idx3", "idx1", StringComparison.Ordinal);
        if (candidate == name) return null;
        var path = Path.Combine(Path.GetDirectoryName(imagesPath) ?? ".", candidate);
        return File.Exists(path) ? path : null;
    }
}
