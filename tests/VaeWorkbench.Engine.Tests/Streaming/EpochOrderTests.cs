using VaeWorkbench.Engine.Data;

namespace VaeWorkbench.Engine.Tests.Streaming;

/// <summary>The windowed shard shuffle: a permutation, reproducible by seed, local to a window, and uniform over shards.</summary>
public class EpochOrderTests
{
    // 10 shards of 10 and a last of 7: 107 images.
    private static readonly ImageBlock[] Blocks = [.. Enumerable.Range(0, 11).Select(s => new ImageBlock(10 * s, s == 10 ? 7 : 10))];
    private const int Count = 107;

    private static int[] Order(ulong seed, int window = 3)
    {
        var order = new int[Count];
        EpochOrder.Shuffle(Blocks, window, new Rng(seed), order);
        return order;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(11)]
    [InlineData(20)]
    public void AnEpochVisitsEveryImageExactlyOnce(int window)
    {
        for (ulong seed = 1; seed <= 20; seed++) Assert.Equal(Enumerable.Range(0, Count), Order(seed, window).Order());
    }

    [Fact]
    public void TheSameSeedGivesTheSameOrderAndDifferentSeedsDiffer()
    {
        Assert.Equal(Order(5), Order(5));
        Assert.NotEqual(Order(5), Order(6));
        var distinct = Enumerable.Range(1, 50).Select(s => string.Join(',', Order((ulong)s))).Distinct().Count();
        Assert.Equal(50, distinct);
    }

    [Fact]
    public void EachStretchOfTheEpochStaysWithinOneWindowOfShards()
    {
        // Cut the order where the shards seen so far are complete and number a window (3), or the order ends: with a
        // window's images mixed only among themselves, this gives windows of 3, 3, 3 and 2 shards, each whole.
        var order = Order(8, window: 3);
        var windows = new List<HashSet<int>>();
        var seen = new HashSet<int>();
        var taken = 0;
        for (var i = 0; i < Count; i++)
        {
            seen.Add(order[i] / 10);
            taken++;
            if (seen.Sum(s => Blocks[s].Count) == taken && (seen.Count == 3 || i == Count - 1))
            {
                windows.Add(seen);
                seen = [];
                taken = 0;
            }
        }
        Assert.Equal([3, 3, 3, 2], windows.Select(w => w.Count));
        Assert.Equal(Enumerable.Range(0, 11), windows.SelectMany(w => w).Order());
    }

    [Fact]
    public void OneBlockGivesThePlainFisherYatesShuffleOfBefore()
    {
        var expected = Enumerable.Range(0, Count).ToArray();
        new Rng(77).Shuffle(expected);
        var order = new int[Count];
        EpochOrder.Shuffle([new ImageBlock(0, Count)], 1, new Rng(77), order);
        Assert.Equal(expected, order);
    }

    [Fact]
    public void EveryShardIsEquallyLikelyToComeFirst()
    {
        // Over 2,200 seeds each of the 11 shards should open the epoch about 200 times (binomial sd about 13.5).
        var firstShard = new int[11];
        for (ulong seed = 1; seed <= 2200; seed++) firstShard[Order(seed)[0] / 10]++;
        foreach (var n in firstShard) Assert.InRange(n, 140, 260);
    }

    [Fact]
    public void BlocksThatDoNotCoverTheOrderAreRefused()
    {
        var e = Assert.Throws<ArgumentException>(() => EpochOrder.Shuffle(Blocks, 3, new Rng(1), new int[Count + 1]));
        Assert.Contains("the blocks hold 107 images but the order has 108", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => EpochOrder.Shuffle(Blocks, 0, new Rng(1), new int[Count]));
    }
}
