using System.Text.Json;

namespace VaeWorkbench.Engine.Data;

/// <summary>
/// manifest.json of a shard directory: what the shards hold and which source they were cut from (a content hash, so a
/// changed source is never read through stale shards). Written last, inside the directory that is renamed into place.
/// </summary>
public sealed record ShardManifest(int Format, string Source, int Count, int Channels, int Height, int Width, int ImagesPerShard, bool HasLabels)
{
    public const string FileName = "manifest.json";
    public const int CurrentFormat = 1;

    public int Shards => (Count + ImagesPerShard - 1) / ImagesPerShard;

    public static string ShardName(int shard) => $"shard-{shard:D5}.bin";

    public ShardFile.Header ShardHeader(int shard)
    {
        var first = shard * ImagesPerShard;
        return new ShardFile.Header(Math.Min(ImagesPerShard, Count - first), Channels, Height, Width, first);
    }

    public void Save(string directory) => File.WriteAllText(Path.Combine(directory, FileName), JsonSerializer.Serialize(this));

    public static ShardManifest Load(string directory)
    {
        var path = Path.Combine(directory, FileName);
        if (!File.Exists(path)) throw new InvalidDataException($"the shard directory '{directory}' has no {FileName} (an unfinished or foreign directory)");
        ShardManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<ShardManifest>(File.ReadAllText(path));
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"the shard manifest '{path}' is not readable: {e.Message}", e);
        }
        if (manifest is null || manifest.Format != CurrentFormat || manifest.Count <= 0 || manifest.ImagesPerShard <= 0
            || manifest.Channels <= 0 || manifest.Height <= 0 || manifest.Width <= 0)
            throw new InvalidDataException($"the shard manifest '{path}' is invalid or of another format");
        return manifest;
    }
}
