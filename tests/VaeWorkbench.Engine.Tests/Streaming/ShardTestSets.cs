using VaeWorkbench.Engine.Data;

namespace VaeWorkbench.Engine.Tests.Streaming;

/// <summary>Seeded byte images with labels, and shard directories cut from them in a scratch folder deleted on dispose.</summary>
internal sealed class ShardTestSets : IDisposable
{
    public ShardTestSets() => Root = Directory.CreateTempSubdirectory("vwb-shards-").FullName;

    public string Root { get; }

    public static (byte[] Pixels, int[] Labels) RandomBytes(int count, int pixelCount, ulong seed)
    {
        var rng = new Rng(seed);
        var pixels = new byte[count * pixelCount];
        for (var i = 0; i < pixels.Length; i++) pixels[i] = (byte)rng.NextInt(256);
        return (pixels, [.. Enumerable.Range(0, count).Select(i => i % 7)]);
    }

    public static ShardBuilder.Input Input(byte[] pixels, int[]? labels, int count, int channels, int height, int width, string source = "test-source") =>
        new(source, count, channels, height, width, labels, () => new MemoryStream(pixels, writable: false));

    /// <summary>Cuts the images into shards of <paramref name="perShard"/> images with a window of <paramref name="window"/> shards.</summary>
    public ShardedImageSet Shard(string name, ShardBuilder.Input input, int perShard, int window, Action<string>? log = null) =>
        ShardBuilder.OpenOrBuild(Path.Combine(Root, name), input, new ShardLayout(perShard, window), log);

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
