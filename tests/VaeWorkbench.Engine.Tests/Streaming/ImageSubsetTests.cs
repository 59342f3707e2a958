using VaeWorkbench.Engine.Data;

namespace VaeWorkbench.Engine.Tests.Streaming;

public sealed class ImageSubsetTests : IDisposable
{
    private readonly ShardTestSets _sets = new();

    public void Dispose() => _sets.Dispose();

    [Fact]
    public void ASubsetOfShardsReadsItsRowsAndGroupsThemByShard()
    {
        var (pixels, labels) = ShardTestSets.RandomBytes(30, 4, 5);
        using var sharded = _sets.Shard("s", ShardTestSets.Input(pixels, labels, 30, 1, 2, 2), perShard: 10, window: 2);
        int[] rows = [25, 3, 4, 17, 29, 11, 0];
        var subset = new ImageSubset(sharded, rows);
        Assert.Equal(7, subset.Count);
        Assert.Equal([new ImageBlock(0, 3), new ImageBlock(3, 2), new ImageBlock(5, 2)], subset.Blocks);
        Assert.Equal(new[] { 0, 3, 4, 11, 17, 25, 29 }.Select(r => labels[r]), subset.Labels);
        var floats = ImageDataset.FromBytes(pixels, 30, 1, 2, 2);
        Assert.Equal(ShardedImageSetTests.Gather(floats, [17, 0]), ShardedImageSetTests.Gather(subset, [4, 0]));
        var order = new int[7];
        EpochOrder.Shuffle(subset, new Rng(3), order);
        Assert.Equal(Enumerable.Range(0, 7), order.Order());
    }

    [Fact]
    public void ASubsetOfASetInMemoryKeepsItsRowsInTheOrderGiven()
    {
        var data = TestData.RandomImages(6, 1, 2, 2, 1);
        var subset = new ImageSubset(data, [4, 1, 5]);
        Assert.Equal([new ImageBlock(0, 3)], subset.Blocks);
        Assert.Equal(ShardedImageSetTests.Gather(data, [4, 1, 5]), ShardedImageSetTests.Gather(subset, [0, 1, 2]));
        Assert.Equal([4 % 10, 1, 5], subset.Labels!);
    }

    [Fact]
    public void RefusesEmptyDuplicateAndOutOfRangeRows()
    {
        var data = TestData.RandomImages(5, 1, 2, 2, 1);
        Assert.Contains("at least one image", Assert.Throws<ArgumentException>(() => new ImageSubset(data, [])).Message);
        Assert.Contains("image 2 is named twice", Assert.Throws<ArgumentException>(() => new ImageSubset(data, [2, 1, 2])).Message);
        Assert.Contains("image 5 is outside 0..4", Assert.Throws<ArgumentOutOfRangeException>(() => new ImageSubset(data, [5])).Message);
    }
}
