using System.Globalization;
using VaeWorkbench.Imaging.Formats.Png;
using VaeWorkbench.Imaging.Transforms;
using VaeWorkbench.Web.Storage;
using ImagingEntry = VaeWorkbench.Imaging.Datasets.DatasetImage;

namespace VaeWorkbench.Web.Datasets;

/// <summary>One normalised image waiting for its database row: the label is still the class name.</summary>
public sealed record PendingImage(int Index, string? ClassName, string OriginalName, string ContentHash);

/// <summary>
/// The file side of one import. Each image is normalised to the dataset's size and colour mode and PNG-encoded, and
/// its channels-first bytes are appended to a work file, so memory holds one small row per image plus the PNGs of one
/// batch. The PNGs go into the blob store a batch at a time (<see cref="BlobStore.PutMany"/>: one flush to the disk per
/// batch instead of one per image). <see cref="WriteTensorFileAsync"/> stores the last batch and packs the work file
/// into the dataset tensor file.
/// </summary>
public sealed class ImportWriter : IDisposable
{
    /// <summary>Longest original name kept (the column's length); ZIP entry names keep their folders, so they may pass a file name's limit.</summary>
    public const int MaxOriginalNameLength = 400;

    private readonly BlobStore _blobs;
    private readonly NormalizeOptions _normalize;
    private readonly string _pixelPath;
    private readonly FileStream _pixels;
    private const int BlobBatch = 256;

    private readonly List<PendingImage> _images = [];
    private readonly List<byte[]> _unstoredPngs = []; // the PNGs of the last _unstoredPngs.Count images, not yet stored
    private readonly HashSet<string> _storedHashes = new(StringComparer.Ordinal);

    public ImportWriter(BlobStore blobs, int imageSize, int channels)
    {
        _blobs = blobs;
        _normalize = new NormalizeOptions { Size = imageSize, Channels = channels, SquareMode = SquareMode.CenterCrop };
        _pixelPath = blobs.NewTempPath(".pixels");
        _pixels = new FileStream(_pixelPath, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16);
    }

    /// <summary>Every image added, with its blob's hash: available once <see cref="WriteTensorFileAsync"/> has stored them all.</summary>
    public IReadOnlyList<PendingImage> Images => _unstoredPngs.Count == 0
        ? _images
        : throw new InvalidOperationException("some images are not stored yet; WriteTensorFileAsync stores them");

    /// <summary>Every blob this import stored, so a failed import can remove the ones nothing else uses.</summary>
    public IReadOnlyCollection<string> StoredHashes => _storedHashes;

    public int BytesPerImage => _normalize.Channels * _normalize.Size * _normalize.Size;

    public void Add(ImagingEntry entry)
    {
        var normalized = ImageNormalizer.Normalize(entry.Image, _normalize);
        _unstoredPngs.Add(PngEncoder.Encode(normalized));
        _pixels.Write(ToChannelsFirst(normalized.Pixels, normalized.Channels));
        _images.Add(new PendingImage(_images.Count, entry.Label, UploadNames.Clean(entry.Name, MaxOriginalNameLength), ContentHash: ""));
        if (_unstoredPngs.Count == BlobBatch) StoreUnstored();
    }

    // Stores the batch's PNGs and fills in their images' hashes.
    private void StoreUnstored()
    {
        var hashes = _blobs.PutMany(_unstoredPngs);
        var first = _images.Count - hashes.Length;
        for (var i = 0; i < hashes.Length; i++)
        {
            _images[first + i] = _images[first + i] with { ContentHash = hashes[i] };
            _storedHashes.Add(hashes[i]);
        }
        _unstoredPngs.Clear();
    }

    /// <summary>
    /// Class names in label order: the given order when there is one (an IDX upload's classes.txt; names without images
    /// are left out), else numerically when all are numbers (IDX "0".."9"), else in ordinal order.
    /// </summary>
    public List<string> ClassNames(IReadOnlyList<string>? order = null)
    {
        var names = _images.Select(i => i.ClassName).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        if (order is not null) return [.. order.Where(n => names.Contains(n, StringComparer.Ordinal)), .. names.Where(n => !order.Contains(n, StringComparer.Ordinal)).Order(StringComparer.Ordinal)];
        if (names.All(n => int.TryParse(n, NumberStyles.None, CultureInfo.InvariantCulture, out _)))
            return [.. names.OrderBy(n => int.Parse(n, CultureInfo.InvariantCulture))];
        return [.. names.Order(StringComparer.Ordinal)];
    }

    /// <summary>Writes the packed tensor file (labels as indices into <paramref name="classNames"/>) and stores it; returns its hash.</summary>
    public async Task<string> WriteTensorFileAsync(IReadOnlyList<string> classNames, CancellationToken ct)
    {
        if (_unstoredPngs.Count > 0) StoreUnstored();
        var labelOf = classNames.Select((n, i) => (n, i)).ToDictionary(p => p.n, p => p.i, StringComparer.Ordinal);
        var labels = _images.Select(i => i.ClassName is null ? (int?)null : labelOf[i.ClassName]).ToList();
        await _pixels.FlushAsync(ct);
        _pixels.Position = 0;
        var tensorPath = _blobs.NewTempPath(".tensor");
        try
        {
            await using (var output = new FileStream(tensorPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                DatasetTensorFile.Write(output, _normalize.Channels, _normalize.Size, labels, ReadBackImages(ct));
                output.Flush(flushToDisk: true);
            }
            var hash = await _blobs.PutFileAsync(tensorPath, ct);
            _storedHashes.Add(hash);
            return hash;
        }
        finally
        {
            if (File.Exists(tensorPath)) File.Delete(tensorPath);
        }
    }

    private IEnumerable<byte[]> ReadBackImages(CancellationToken ct)
    {
        for (var i = 0; i < _images.Count; i++)
        {
            ct.ThrowIfCancellationRequested();
            var image = new byte[BytesPerImage];
            _pixels.ReadExactly(image);
            yield return image;
        }
    }

    /// <summary>(H,W,C) interleaved bytes -> (C,H,W) planes, the layout of the tensor file.</summary>
    internal static byte[] ToChannelsFirst(byte[] interleaved, int channels)
    {
        if (channels == 1) return interleaved;
        var plane = interleaved.Length / channels;
        var planar = new byte[interleaved.Length];
        for (var c = 0; c < channels; c++)
            for (var i = 0; i < plane; i++)
                planar[c * plane + i] = interleaved[i * channels + c];
        return planar;
    }

    public void Dispose()
    {
        try
        {
            _pixels.Dispose();
        }
        catch (IOException)
        {
            // Flushing the last buffered pixels failed (a full disk): the work file is deleted anyway, and the handle is closed.
        }
        File.Delete(_pixelPath);
    }
}
