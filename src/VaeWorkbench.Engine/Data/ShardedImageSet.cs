using VaeWorkbench.Engine.Kernels;

namespace VaeWorkbench.Engine.Data;

/// <summary>
/// A set larger than the memory budget, read from memory-mapped shard files (<see cref="ShardFile"/>) cut once by
/// <see cref="ShardBuilder"/>. At most <see cref="WindowBlocks"/> shards are mapped at a time (least recently used are
/// unmapped), and <see cref="EpochOrder"/> keeps each stretch of an epoch within one window, so the resident set stays
/// near the window's size however large the set grows. Thread-safe: concurrent gathers share the mapped shards.
/// </summary>
public sealed class ShardedImageSet : IImageSource, IDisposable
{
    private readonly string _directory;
    private readonly ShardManifest _manifest;
    private readonly LinkedList<(int Shard, MappedShard Map)> _mapped = new(); // most recently used first
    private readonly Lock _lock = new();

    private ShardedImageSet(string directory, ShardManifest manifest, int[] labels, int windowShards)
    {
        _directory = directory;
        _manifest = manifest;
        Labels = manifest.HasLabels ? labels : null;
        WindowBlocks = windowShards;
        Blocks = [.. Enumerable.Range(0, manifest.Shards).Select(s => manifest.ShardHeader(s)).Select(h => new ImageBlock(h.FirstIndex, h.Count))];
    }

    public int Count => _manifest.Count;
    public int Channels => _manifest.Channels;
    public int Height => _manifest.Height;
    public int Width => _manifest.Width;
    public int PixelCount => Channels * Height * Width;
    public int[]? Labels { get; }
    public IReadOnlyList<ImageBlock> Blocks { get; }
    public int WindowBlocks { get; }
    public string Directory => _directory;

    /// <summary>Shards mapped right now (for tests of the window bound).</summary>
    public int MappedShards
    {
        get { lock (_lock) return _mapped.Count; }
    }

    /// <summary>
    /// Opens a finished shard directory after checking the manifest and every shard (length, header, checksum).
    /// Throws <see cref="InvalidDataException"/> naming the file and the fault; <see cref="ShardBuilder.OpenOrBuild"/> rebuilds then.
    /// </summary>
    public static ShardedImageSet Open(string directory, string expectedSource, int windowShards)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(windowShards, 1);
        var manifest = ShardManifest.Load(directory);
        if (manifest.Source != expectedSource)
            throw new InvalidDataException($"the shards in '{directory}' were cut from source '{manifest.Source}', not '{expectedSource}'");
        var labels = new int[manifest.Count];
        for (var s = 0; s < manifest.Shards; s++)
        {
            var header = manifest.ShardHeader(s);
            ShardFile.Verify(Path.Combine(directory, ShardManifest.ShardName(s)), header).CopyTo(labels, header.FirstIndex);
        }
        var extra = System.IO.Directory.GetFiles(directory, "shard-*.bin").Length - manifest.Shards;
        if (extra != 0) throw new InvalidDataException($"the shard directory '{directory}' holds {extra} shard files its manifest does not name");
        return new ShardedImageSet(directory, manifest, labels, windowShards);
    }

    public void Gather(ReadOnlySpan<int> indices, Span<float> pixels)
    {
        ImageSourceExtensions.CheckGather(this, indices, pixels);
        var p = PixelCount;
        var perShard = _manifest.ImagesPerShard;
        lock (_lock)
        {
            MappedShard? current = null;
            var currentShard = -1;
            for (var i = 0; i < indices.Length; i++)
            {
                var shard = indices[i] / perShard;
                if (shard != currentShard) (current, currentShard) = (Map(shard), shard);
                ByteToUnitFloat.Convert(current!.Image(indices[i] - shard * perShard), pixels.Slice(i * p, p));
            }
        }
    }

    private MappedShard Map(int shard)
    {
        for (var node = _mapped.First; node is not null; node = node.Next)
        {
            if (node.Value.Shard != shard) continue;
            _mapped.Remove(node);
            _mapped.AddFirst(node);
            return node.Value.Map;
        }
        while (_mapped.Count >= WindowBlocks)
        {
            _mapped.Last!.Value.Map.Dispose();
            _mapped.RemoveLast();
        }
        var map = new MappedShard(Path.Combine(_directory, ShardManifest.ShardName(shard)), _manifest.ShardHeader(shard));
        _mapped.AddFirst((shard, map));
        return map;
    }

    public void Dispose()
    {
        lock (_lock)
        {
            foreach (var (_, map) in _mapped) map.Dispose();
            _mapped.Clear();
        }
    }
}
