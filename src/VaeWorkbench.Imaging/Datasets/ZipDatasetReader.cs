using System.IO.Compression;

namespace VaeWorkbench.Imaging.Datasets;

/// <summary>
/// Reads an ImageFolder-layout ZIP entry by entry, in memory only (nothing is ever written to disk under an entry's
/// name). Names are checked for path tricks, symbolic links and nested archives are refused, and inflated bytes are
/// counted while reading, per entry, in total and against the compressed size, never trusting the header's sizes.
/// </summary>
internal static class ZipDatasetReader
{
    private const int SymbolicLinkMode = 0xA000;

    public static IEnumerable<DatasetEntry> Read(Stream stream, DatasetReadOptions options, CancellationToken cancellationToken)
    {
        if (!stream.CanSeek) throw new ArgumentException("ZIP datasets are read from a seekable stream (a file, or an upload buffered to one)", nameof(stream));
        var declared = ZipDirectoryProbe.DeclaredEntryCount(stream);
        if (declared > options.MaxEntries)
            throw new InvalidImageException($"ZIP archive declares {declared} entries, limit is {options.MaxEntries}");
        var (archive, entries) = Open(stream);
        using (archive)
        {
            if (entries.Count > options.MaxEntries)
                throw new InvalidImageException($"ZIP archive holds {entries.Count} entries, limit is {options.MaxEntries}");
            var wrapper = SingleWrappingFolder(entries);
            var totalLimit = TotalLimit(stream.Length, options);
            long total = 0;
            for (var i = 0; i < entries.Count; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var entry = entries[i];
                var name = entry.FullName;
                if (name.EndsWith('/')) continue; // a directory record (never extracted, so any data in it is ignored)
                var problem = ZipEntryNames.Problem(name);
                if (problem is not null)
                {
                    yield return new DatasetSkip(name, $"unsafe ZIP entry name: {problem}");
                    continue;
                }
                if (ZipEntryNames.IsSystemClutter(name))
                {
                    yield return new DatasetSkip(name, "hidden or system file");
                    continue;
                }
                if (((entry.ExternalAttributes >> 16) & 0xF000) == SymbolicLinkMode)
                {
                    yield return new DatasetSkip(name, "symbolic link entry, not followed");
                    continue;
                }
                var (data, reason, totalExceeded) = Inflate(entry, stream.Length, options, totalLimit.Bytes - total, totalLimit.Reason);
                total += data?.Length ?? 0;
                if (data is null)
                {
                    yield return new DatasetSkip(name, reason!);
                    if (totalExceeded)
                    {
                        if (i + 1 < entries.Count)
                            yield return new DatasetSkip("(archive)", $"{entries.Count - i - 1} later entries not read: {totalLimit.Reason}");
                        yield break;
                    }
                    continue;
                }
                var labelPath = wrapper is null ? name : name[(wrapper.Length + 1)..];
                yield return DatasetReader.DecodeItem(name, DatasetReader.LabelOf(labelPath), data, options);
            }
        }
    }

    /// <summary>Opens the archive and parses its central directory (ZipArchive does that lazily, on first access to Entries).</summary>
    private static (ZipArchive, IReadOnlyList<ZipArchiveEntry>) Open(Stream stream)
    {
        ZipArchive? archive = null;
        try
        {
            archive = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
            return (archive, archive.Entries);
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            archive?.Dispose();
            throw new InvalidImageException($"ZIP archive is damaged or not a ZIP: {e.Message}", e);
        }
    }

    /// <summary>
    /// What all entries together may inflate to: the total limit, or the archive's own length times the ratio limit when
    /// that is less. Entries that share compressed data (overlapping entries) or many small ones that each pass the
    /// per-entry ratio are stopped by this count.
    /// </summary>
    private static (long Bytes, string Reason) TotalLimit(long archiveLength, DatasetReadOptions options)
    {
        var byRatio = (long)Math.Min(long.MaxValue / 2, Math.Max(options.RatioExemptBytes, options.MaxCompressionRatio * archiveLength));
        return byRatio < options.MaxTotalBytes
            ? (byRatio, $"the archive inflates more than {options.MaxCompressionRatio}x its {archiveLength} bytes (zip bomb?)")
            : (options.MaxTotalBytes, $"archive total inflated size passes {options.MaxTotalBytes} bytes");
    }

    /// <summary>
    /// Inflates one entry into memory, stopping as soon as it passes the per-entry, remaining-total or ratio limit.
    /// The compressed size bounds what the inflater may consume, so the ratio check is against real input.
    /// </summary>
    private static (byte[]? Data, string? Reason, bool TotalExceeded) Inflate(ZipArchiveEntry entry, long archiveLength, DatasetReadOptions options,
        long remainingTotal, string totalReason)
    {
        var compressed = entry.CompressedLength;
        if (compressed > archiveLength) return (null, $"entry claims {compressed} compressed bytes in a {archiveLength}-byte archive", false);
        var entryLimit = Math.Min(options.MaxEntryBytes, options.Limits.MaxFileBytes);
        var ratioLimit = Math.Max(options.RatioExemptBytes, options.MaxCompressionRatio * Math.Max(compressed, 1));
        try
        {
            using var input = entry.Open();
            using var output = new MemoryStream();
            var buffer = new byte[64 * 1024];
            int n;
            while ((n = input.Read(buffer)) > 0)
            {
                output.Write(buffer, 0, n);
                if (output.Length > entryLimit)
                    return (null, $"entry inflates to more than {entryLimit} bytes", false);
                if (output.Length > ratioLimit)
                    return (null, $"entry inflates more than {options.MaxCompressionRatio}x its {compressed} compressed bytes (zip bomb?)", false);
                if (output.Length > remainingTotal)
                    return (null, totalReason, true);
            }
            return (output.ToArray(), null, false);
        }
        catch (Exception e) when (e is InvalidDataException or NotSupportedException or IOException)
        {
            return (null, $"ZIP entry cannot be read: {e.Message}", false);
        }
    }

    /// <summary>
    /// When every file sits under one top folder that itself holds class folders ("data/cat/1.png"), that folder is
    /// the dataset root, as if the user had zipped the root's contents. Returns its name, or null.
    /// </summary>
    private static string? SingleWrappingFolder(IReadOnlyList<ZipArchiveEntry> entries)
    {
        string? top = null;
        var deeper = false;
        foreach (var entry in entries)
        {
            var name = entry.FullName;
            if (name.EndsWith('/') || ZipEntryNames.IsSystemClutter(name) || ZipEntryNames.Problem(name) is not null) continue;
            var slash = name.IndexOf('/');
            if (slash <= 0) return null;
            var first = name[..slash];
            if (top is null) top = first;
            else if (top != first) return null;
            if (name.IndexOf('/', slash + 1) > 0) deeper = true;
        }
        return deeper ? top : null;
    }
}
