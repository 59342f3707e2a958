namespace VaeWorkbench.Engine.Data;

/// <summary>
/// The one decision between memory and disk: a set whose pixel bytes fit the memory budget is held as bytes in memory;
/// a larger one is read from memory-mapped shards under <c>shardDirectory</c> (cut on first use, reused after).
/// </summary>
public static class ImageSources
{
    /// <summary>The default budget when none is configured: 2 GiB of pixel bytes.</summary>
    public const long DefaultBudgetBytes = 2L << 30;

    public static bool FitsInMemory(long count, int pixelCount, long budgetBytes) =>
        count * pixelCount <= Math.Min(budgetBytes, Array.MaxLength); // one byte[] also caps a set in memory

    public static IImageSource Open(ShardBuilder.Input input, long budgetBytes, string shardDirectory, Action<string>? log = null)
    {
        var pixelCount = input.Channels * input.Height * input.Width;
        if (!FitsInMemory(input.Count, pixelCount, budgetBytes))
        {
            log?.Invoke($"{input.Count} images of {input.Channels}x{input.Height}x{input.Width} ({(long)input.Count * pixelCount / 1048576.0:0} MB) exceed the memory budget of {budgetBytes / 1048576.0:0} MB; reading them from shards in '{shardDirectory}'");
            return ShardBuilder.OpenOrBuild(shardDirectory, input, ShardLayout.ForBudget(budgetBytes, pixelCount), log);
        }
        var bytes = new byte[(long)input.Count * pixelCount];
        using (var pixels = input.OpenPixels()) pixels.ReadExactly(bytes);
        return new ByteImageSet(bytes, input.Count, input.Channels, input.Height, input.Width, input.Labels);
    }
}
