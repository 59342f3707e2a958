namespace VaeWorkbench.Engine.Data;

/// <summary>
/// Cuts a set into shards once, into a scratch directory beside the target that is renamed into place only when every
/// shard and the manifest are written and flushed, so a crash never leaves a half-written set that looks finished.
/// </summary>
public static class ShardBuilder
{
    /// <summary>The images to cut: their shape, labels (or null) and a stream of count × C×H×W pixel bytes, read once in order.</summary>
    public sealed record Input(string Source, int Count, int Channels, int Height, int Width, int[]? Labels, Func<Stream> OpenPixels);

    /// <summary>
    /// Opens the shards in <paramref name="directory"/> when they are whole and cut from this source; otherwise (missing,
    /// truncated, corrupt, stale) reports why through <paramref name="log"/>, deletes them and cuts them again.
    /// </summary>
    public static ShardedImageSet OpenOrBuild(string directory, Input input, ShardLayout layout, Action<string>? log = null)
    {
        if (Directory.Exists(directory))
        {
            try
            {
                var existing = ShardedImageSet.Open(directory, input.Source, layout.WindowShards);
                if (existing.Count == input.Count && existing.PixelCount == input.Channels * input.Height * input.Width) return existing;
                existing.Dispose();
                log?.Invoke($"the shards in '{directory}' hold {existing.Count} images, the source {input.Count}; rebuilding them");
            }
            catch (InvalidDataException e)
            {
                log?.Invoke($"refused the shards in '{directory}': {e.Message}; rebuilding them");
            }
            Directory.Delete(directory, recursive: true);
        }
        Build(directory, input, layout);
        return ShardedImageSet.Open(directory, input.Source, layout.WindowShards);
    }

    /// <summary>Writes the shards and manifest, then renames the finished directory to <paramref name="directory"/>.</summary>
    public static void Build(string directory, Input input, ShardLayout layout)
    {
        ImageShape.Check(input.Count, input.Channels, input.Height, input.Width, input.Labels);
        var full = Path.GetFullPath(directory);
        var scratch = $"{full}.building-{Guid.NewGuid():N}";
        Directory.CreateDirectory(scratch);
        try
        {
            var manifest = new ShardManifest(ShardManifest.CurrentFormat, input.Source, input.Count, input.Channels, input.Height, input.Width,
                layout.ImagesPerShard, input.Labels is not null);
            var pixelCount = input.Channels * input.Height * input.Width;
            var buffer = new byte[(long)Math.Min(layout.ImagesPerShard, input.Count) * pixelCount];
            using (var pixels = input.OpenPixels())
            {
                for (var s = 0; s < manifest.Shards; s++)
                {
                    var header = manifest.ShardHeader(s);
                    var bytes = buffer.AsSpan(0, header.Count * pixelCount);
                    pixels.ReadExactly(bytes);
                    var labels = input.Labels is { } all ? all.AsSpan(header.FirstIndex, header.Count) : NoLabels(header.Count);
                    ShardFile.Write(Path.Combine(scratch, ShardManifest.ShardName(s)), header, labels, bytes);
                }
                if (pixels.CanSeek && pixels.Position != pixels.Length)
                    throw new InvalidDataException($"the source holds more pixel bytes than {input.Count} images of {input.Channels}x{input.Height}x{input.Width}");
            }
            manifest.Save(scratch);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            try
            {
                Directory.Move(scratch, full);
            }
            catch (IOException) when (Directory.Exists(full))
            {
                // Another process finished the same shards first; theirs are as good as ours.
                Directory.Delete(scratch, recursive: true);
            }
        }
        catch
        {
            if (Directory.Exists(scratch)) Directory.Delete(scratch, recursive: true);
            throw;
        }
    }

    private static int[] NoLabels(int count)
    {
        var labels = new int[count];
        Array.Fill(labels, -1);
        return labels;
    }
}
