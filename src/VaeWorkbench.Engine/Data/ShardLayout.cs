namespace VaeWorkbench.Engine.Data;

/// <summary>
/// How a set too large for its memory budget is cut into shards: a window of <see cref="WindowShards"/> shards is mapped
/// at a time, and together they take at most half the budget (the rest is the model's, the batches' and the runtime's).
/// </summary>
public sealed record ShardLayout(int ImagesPerShard, int WindowShards)
{
    public const int DefaultWindowShards = 8;
    private const long MaxShardBytes = 256L << 20;

    /// <summary>The layout for images of <paramref name="pixelCount"/> bytes under <paramref name="budgetBytes"/>.</summary>
    public static ShardLayout ForBudget(long budgetBytes, int pixelCount, int windowShards = DefaultWindowShards)
    {
        if (budgetBytes <= 0) throw new ArgumentOutOfRangeException(nameof(budgetBytes), "the memory budget must be positive");
        if (pixelCount <= 0) throw new ArgumentOutOfRangeException(nameof(pixelCount), "images need at least one pixel");
        if (windowShards <= 0) throw new ArgumentOutOfRangeException(nameof(windowShards), "a window holds at least one shard");
        var shardBytes = Math.Clamp(budgetBytes / (2L * windowShards), pixelCount, MaxShardBytes);
        return new ShardLayout((int)Math.Max(1, shardBytes / pixelCount), windowShards);
    }

    /// <summary>Shards holding <paramref name="count"/> images.</summary>
    public int ShardCount(int count) => (count + ImagesPerShard - 1) / ImagesPerShard;
}
