using VaeWorkbench.Engine.Data;

namespace VaeWorkbench.Engine.Tests.Streaming;

/// <summary>Damaged shard directories are refused with a message naming the file and fault, and cut again from the source.</summary>
public sealed class ShardCorruptionTests : IDisposable
{
    private const int Count = 40, Channels = 1, Height = 6, Width = 6, PixelCount = 36;
    private readonly ShardTestSets _sets = new();
    private readonly byte[] _pixels;
    private readonly int[] _labels;

    public ShardCorruptionTests() => (_pixels, _labels) = ShardTestSets.RandomBytes(Count, PixelCount, 3);

    public void Dispose() => _sets.Dispose();

    private ShardBuilder.Input Input(string source = "test-source") => ShardTestSets.Input(_pixels, _labels, Count, Channels, Height, Width, source);

    private string Directory => Path.Combine(_sets.Root, "set");
    private string Shard(int s) => Path.Combine(Directory, ShardManifest.ShardName(s));

    private void Build()
    {
        using (_sets.Shard("set", Input(), perShard: 16, window: 2)) { }
    }

    public static TheoryData<string, string> Damage() => new()
    {
        { "flip-pixel", "shard 'shard-00001.bin' is corrupt: its contents no longer match the checksum in its header" },
        { "flip-label", "shard 'shard-00001.bin' is corrupt" },
        { "truncate", "shard 'shard-00001.bin' is truncated: 640 bytes, its header implies 704" },
        { "append", "shard 'shard-00001.bin' is too long" },
        { "header-only", "shard 'shard-00001.bin' is truncated: 10 bytes, shorter than its 64-byte header" },
        { "bad-magic", "shard 'shard-00001.bin' is not a version-1 shard file" },
        { "delete", "shard 'shard-00001.bin' is missing" },
        { "header-count", "shard 'shard-00001.bin' holds 15 images" },
    };

    [Theory]
    [MemberData(nameof(Damage))]
    public void ADamagedShardIsRefusedWithAClearMessage(string damage, string message)
    {
        Build();
        Apply(damage, Shard(1));
        var e = Assert.Throws<InvalidDataException>(() => ShardedImageSet.Open(Directory, "test-source", 2));
        Assert.Contains(message, e.Message);
    }

    [Theory]
    [MemberData(nameof(Damage))]
    public void ADamagedShardIsRebuiltFromTheSourceAndReadsCorrectlyAfter(string damage, string message)
    {
        Build();
        Apply(damage, Shard(1));
        var log = new List<string>();
        using var set = _sets.Shard("set", Input(), perShard: 16, window: 2, log.Add);
        Assert.Contains(message, Assert.Single(log));
        Assert.Contains("rebuilding", log[0]);
        var all = Enumerable.Range(0, Count).ToArray();
        Assert.Equal(ShardedImageSetTests.Gather(ImageDataset.FromBytes(_pixels, Count, Channels, Height, Width), all), ShardedImageSetTests.Gather(set, all));
        Assert.Equal(_labels, set.Labels);
    }

    [Fact]
    public void AMissingManifestMeansAnUnfinishedDirectoryAndIsRebuilt()
    {
        Build();
        File.Delete(Path.Combine(Directory, ShardManifest.FileName));
        var e = Assert.Throws<InvalidDataException>(() => ShardedImageSet.Open(Directory, "test-source", 2));
        Assert.Contains("has no manifest.json", e.Message);
        var log = new List<string>();
        using var set = _sets.Shard("set", Input(), perShard: 16, window: 2, log.Add);
        Assert.Single(log);
        Assert.Equal(Count, set.Count);
    }

    [Fact]
    public void ShardsCutFromAnotherSourceAreStaleAndRebuilt()
    {
        Build();
        var e = Assert.Throws<InvalidDataException>(() => ShardedImageSet.Open(Directory, "other-source", 2));
        Assert.Contains("were cut from source 'test-source', not 'other-source'", e.Message);
        var log = new List<string>();
        using var set = _sets.Shard("set", Input("other-source"), perShard: 16, window: 2, log.Add);
        Assert.Single(log);
        Assert.Equal("other-source", ShardManifest.Load(Directory).Source);
    }

    [Fact]
    public void AStrayShardFileIsRefused()
    {
        Build();
        File.Copy(Shard(0), Path.Combine(Directory, ShardManifest.ShardName(7)));
        var e = Assert.Throws<InvalidDataException>(() => ShardedImageSet.Open(Directory, "test-source", 2));
        Assert.Contains("1 shard files its manifest does not name", e.Message);
    }

    private static void Apply(string damage, string path)
    {
        var bytes = File.ReadAllBytes(path);
        switch (damage)
        {
            case "flip-pixel": bytes[^5] ^= 0x01; break;
            case "flip-label": bytes[ShardFile.HeaderBytes + 2] ^= 0x40; break;
            case "truncate": bytes = bytes[..^64]; break;
            case "append": bytes = [.. bytes, 0]; break;
            case "header-only": bytes = bytes[..10]; break;
            case "bad-magic": bytes[0] = (byte)'X'; break;
            case "header-count": bytes[8] = 15; break;
            case "delete": File.Delete(path); return;
        }
        File.WriteAllBytes(path, bytes);
    }
}
