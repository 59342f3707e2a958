namespace VaeWorkbench.Engine.Data;

/// <summary>
/// An epoch's visiting order: a permutation of 0..Count drawn from the training RNG. For a set stored in blocks (shards)
/// the block order is shuffled first, then the images within each window of <see cref="IImageSource.WindowBlocks"/>
/// consecutive blocks of that order, so every image is visited once, any block can come first, and reading stays within
/// a window's shards at a time. A set in one block gets a plain Fisher–Yates shuffle (the same draws as before shards).
/// </summary>
public static class EpochOrder
{
    /// <summary>Fills <paramref name="order"/> (length Count) with the next epoch's order.</summary>
    public static void Shuffle(IImageSource source, Rng rng, Span<int> order) => Shuffle(source.Blocks, source.WindowBlocks, rng, order);

    public static void Shuffle(IReadOnlyList<ImageBlock> blocks, int windowBlocks, Rng rng, Span<int> order)
    {
        if (windowBlocks <= 0) throw new ArgumentOutOfRangeException(nameof(windowBlocks), "a window holds at least one block");
        var blockOrder = new int[blocks.Count];
        for (var i = 0; i < blockOrder.Length; i++) blockOrder[i] = i;
        rng.Shuffle(blockOrder);
        var position = 0;
        for (var w = 0; w < blockOrder.Length; w += windowBlocks)
        {
            var windowStart = position;
            for (var k = w; k < Math.Min(w + windowBlocks, blockOrder.Length); k++)
            {
                var block = blocks[blockOrder[k]];
                if (position + block.Count > order.Length) throw new ArgumentException($"the blocks hold more images than the order's {order.Length}");
                for (var i = 0; i < block.Count; i++) order[position++] = block.Start + i;
            }
            rng.Shuffle(order[windowStart..position]);
        }
        if (position != order.Length) throw new ArgumentException($"the blocks hold {position} images but the order has {order.Length}");
    }
}
