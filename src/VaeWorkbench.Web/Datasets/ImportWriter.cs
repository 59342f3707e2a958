using System.Globalization;
using VaeWorkbench.Imaging.Formats.Png;
using VaeWorkbench.Imaging.Transforms;
using VaeWorkbench.Web.Storage;
using ImagingEntry = VaeWorkbench.Imaging.Datasets.DatasetImage;

namespace VaeWorkbench.Web.Datasets;

/// <summary>One normalised image waiting for its database row: the label is still the class name.</summary>
public sealed record PendingImage(int Index, string? ClassName, string OriginalName, string ContentHash);

/// <summary>
/// The file side of one import. Each image is normalised to the dataset's size and colour mode, PNG-encoded into the
/// blob store, and its channels-first bytes are appended to a work file, so memory holds one image at a time plus one
/// small row per image. <see cref="WriteTensorFile"/> then packs that work file into the dataset tensor file.
/// </summary>
public sealed class ImportWriter : IDisposable
{
    /// <summary>Longest original name kept (the column's length); ZIP entry names keep their folders, so they may pass a file name's limit.</summary>
    public const int MaxOriginalNameLength = 400;

    private readonly BlobStore _blobs;
    private readonly NormalizeOptions _normalize;
    private readonly string _pixelPath;
    private readonly FileStream _pixels;
    private readonly List<PendingImage> _images = [];
    private readonly HashSet<string> _storedHashes = new(StringComparer.Ordinal);

    public ImportWriter(BlobStore blobs, int imageSize, int channels)
    {
        _blobs = blobs;
        _normalize = new NormalizeOptions { Size = imageSize, Channels = channels, SquareMode = SquareMode.CenterCrop };
        _pixelPath = blobs.NewTempPath(".pixels");
        _pixels = new FileStream(_pixelPath, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16);
    }

    public IReadOnlyList<PendingImage> Images => _images;

    /// <summary>Every blob this import stored, so a failed import can remove the ones nothing else uses.</summary>
    public IReadOnlyCollection<string> StoredHashes => _storedHashes;

    public int BytesPerImage => _normalize.Channels * _normalize.Size * _normalize.Size;

    public void Add(ImagingEntry entry)
    {
        var normalized = ImageNormalizer.Normalize(entry.Image, _normalize);
        var hash = _blobs.Put(PngEncoder.Encode(normalized));
        _storedHashes.Add(hash);
        _pixels.Write(ToChannelsFirst(normalized.Pixels, normalized.Channels));
        _images.Add(new PendingImage(_images.Count, entry.Label, UploadNames.Clean(entry.Name, MaxOriginalNameLength), hash));
    }

    /// <summary>Class names in label order: numerically when all are numbers (IDX "0".."9"), else in ordinal order.</summary>
    public List<string> ClassNames()
    {
        var names = _images.Select(i => i.ClassName).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        if (names.All(n => int.TryParse(n, NumberStyles.None, CultureInfo.InvariantCulture, out _)))
            return [.. names.OrderBy(n => int.Parse(n, CultureInfo.InvariantCulture))];
        return [.. names.Order(StringComparer.Ordinal)];
    }

    /// <summary>Writes the packed tensor file (labels as indices into <paramref name="classNames"/>) and stores it; returns its hash.</summary>
    public async Task<string> WriteTensorFileAsync(IReadOnlyList<string> classNames, CancellationToken ct)
    {
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
