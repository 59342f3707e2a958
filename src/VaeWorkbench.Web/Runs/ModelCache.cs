using System.Collections.Concurrent;
using VaeWorkbench.Engine.IO;
using VaeWorkbench.Engine.Model;
using VaeWorkbench.Web.Storage;

namespace VaeWorkbench.Web.Runs;

/// <summary>
/// Loaded models by file hash, shared by everything that runs inference (inspection, scoring, generation). A model file
/// is immutable under its hash, so a cached instance never goes stale. Callers check access first (ModelService) and
/// must not mutate the returned model; inference on one instance is serialised with <see cref="UseAsync{T}"/>, because
/// a Vae reuses its buffers between calls.
/// </summary>
public sealed class ModelCache(BlobStore blobs)
{
    private const int Capacity = 8;
    private readonly ConcurrentDictionary<string, Entry> _entries = new();

    public async Task<T> UseAsync<T>(string fileHash, Func<LoadedModel, T> use, CancellationToken ct = default)
    {
        var entry = _entries.GetOrAdd(fileHash, hash => new Entry(new Lazy<LoadedModel>(() => ModelFile.Load(blobs.ReadAllBytes(hash)))));
        entry.LastUsed = Environment.TickCount64;
        Evict();
        await entry.Gate.WaitAsync(ct);
        try
        {
            return await Task.Run(() => use(entry.Model.Value), ct);
        }
        finally
        {
            entry.Gate.Release();
        }
    }

    private void Evict()
    {
        while (_entries.Count > Capacity)
        {
            var oldest = _entries.MinBy(e => e.Value.LastUsed);
            _entries.TryRemove(oldest.Key, out _);
        }
    }

    private sealed class Entry(Lazy<LoadedModel> model)
    {
        public Lazy<LoadedModel> Model { get; } = model;
        public SemaphoreSlim Gate { get; } = new(1, 1);
        public long LastUsed { get; set; }
    }
}
