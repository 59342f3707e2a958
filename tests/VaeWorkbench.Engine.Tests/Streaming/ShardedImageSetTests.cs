using VaeWorkbench.Engine.Data;

namespace VaeWorkbench.Engine.Tests.Streaming;

/// <summary>Shards on disk feed the same floats and labels as the set in memory, and keep only a window mapped.</summary>
public sealed class ShardedImageSetTests : IDisposable
{
    private const int Count = 103, Channels = 3, Height = 4, Width = 5, PixelCount = Channels * Height * Width;
    private readonly ShardTestSets _sets = new();
    private readonly byte[] _pixels;
    private readonly int[] _labels;

    public ShardedImageSetTests() => (_pixels, _labels) = ShardTestSets.RandomBytes(Count, PixelCount, 42);

    public void Dispose() => _sets.Dispose();

    private ShardBuilder.Input Input => ShardTestSets.Input(_pixels, _labels, Count, Channels, Height, Width);

    [Fact]
    public void CutsTheSetIntoEqualShardsWithAShorterLastOne()
    {
        using var set = _sets.Shard("a", Input, perShard: 10, window: 3);
        Assert.Equal(11, set.Blocks.Count);
        Assert.Equal(Enumerable.Range(0, 11).Select(s => new ImageBlock(10 * s, s == 10 ? 3 : 10)), set.Blocks);
        Assert.Equal((Count, Channels, Height, Width), (set.Count, set.Channels, set.Height, set.Width));
        Assert.Equal(_labels, set.Labels);
        Assert.Equal(11, Directory.GetFiles(set.Directory, "shard-*.bin").Length);
        Assert.Empty(Directory.GetDirectories(_sets.Root, "*.building-*")); // the scratch directory was renamed into place
    }

    [Fact]
    public void InMemoryAndShardedPathsFeedIdenticalBatchesForTheSamePermutation()
    {
        using var sharded = _sets.Shard("a", Input, perShard: 8, window: 2);
        var bytes = new ByteImageSet(_pixels, Count, Channels, Height, Width, _labels);
        var floats = ImageDataset.FromBytes(_pixels, Count, Channels, Height, Width, _labels);
        var order = new int[Count];
        EpochOrder.Shuffle(sharded, new Rng(9), order);
        for (var start = 0; start < Count; start += 16)
        {
            var batch = order.AsSpan(start, Math.Min(16, Count - start));
            var expected = Gather(floats, batch);
            Assert.Equal(expected, Gather(bytes, batch));
            Assert.Equal(expected, Gather(sharded, batch));
            var labels = new int[batch.Length];
            sharded.GatherLabels(batch, labels);
            Assert.Equal(batch.ToArray().Select(i => _labels[i]), labels);
        }
    }

    [Fact]
    public void KeepsAtMostAWindowOfShardsMappedThroughAnEpoch()
    {
        using var set = _sets.Shard("a", Input, perShard: 5, window: 3);
        var order = new int[Count];
        EpochOrder.Shuffle(set, new Rng(1), order);
        var most = 0;
        for (var start = 0; start < Count; start += 7)
        {
            Gather(set, order.AsSpan(start, Math.Min(7, Count - start)));
            most = Math.Max(most, set.MappedShards);
        }
        Assert.Equal(3, most);
        set.Dispose();
        Assert.Equal(0, set.MappedShards);
    }

    [Fact]
    public void ASetWithoutLabelsReportsNoneAndFillsBatchLabelsWithMinusOne()
    {
        using var set = _sets.Shard("a", ShardTestSets.Input(_pixels, null, Count, Channels, Height, Width), perShard: 50, window: 2);
        Assert.Null(set.Labels);
        var labels = new int[3];
        set.GatherLabels([0, 60, 102], labels);
        Assert.Equal([-1, -1, -1], labels);
    }

    [Fact]
    public void AFinishedSetIsReopenedWithoutRebuilding()
    {
        using (_sets.Shard("a", Input, perShard: 10, window: 2)) { }
        var stamp = File.GetLastWriteTimeUtc(Path.Combine(_sets.Root, "a", "shard-00000.bin"));
        var log = new List<string>();
        using var again = _sets.Shard("a", Input, perShard: 10, window: 2, log.Add);
        Assert.Empty(log);
        Assert.Equal(stamp, File.GetLastWriteTimeUtc(Path.Combine(_sets.Root, "a", "shard-00000.bin")));
    }

    [Fact]
    public void ASourceWithTooFewBytesIsRefusedAndLeavesNoDirectory()
    {
        var input = ShardTestSets.Input(_pixels[..^1], _labels, Count, Channels, Height, Width);
        Assert.Throws<EndOfStreamException>(() => _sets.Shard("short", input, perShard: 10, window: 2));
        Assert.Empty(Directory.GetFileSystemEntries(_sets.Root));
    }

    internal static float[] Gather(IImageSource source, ReadOnlySpan<int> indices)
    {
        var pixels = new float[indices.Length * source.PixelCount];
        source.Gather(indices, pixels);
        return pixels;
    }
}
