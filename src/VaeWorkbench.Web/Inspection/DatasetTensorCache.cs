using System.Collections.Concurrent;
using VaeWorkbench.Engine.Data;
using VaeWorkbench.Web.Datasets;
using VaeWorkbench.Web.Storage;

namespace VaeWorkbench.Web.Inspection;

/// <summary>
/// Recently used datasets' packed tensors, by content hash, for interactive inspection: a page flips through many
/// small views of one dataset, and re-reading a 47 MB tensor for each would dominate. Immutable under its hash.
/// </summary>
public sealed class DatasetTensorCache(BlobStore blobs)
{
    private const int Capacity = 3;
    private readonly ConcurrentDictionary<string, (Lazy<ImageDataset> Data, long LastUsed)> _entries = new();

    public ImageDataset Get(string tensorHash)
    {
        var entry = _entries.AddOrUpdate(tensorHash,
            hash => (new Lazy<ImageDataset>(() => { using var s = blobs.OpenRead(hash); return DatasetTensorFile.Read(s); }), Environment.TickCount64),
            (_, e) => (e.Data, Environment.TickCount64));
        while (_entries.Count > Capacity) _entries.TryRemove(_entries.MinBy(e => e.Value.LastUsed).Key, out _);
        return entry.Data.Value;
    }
}
