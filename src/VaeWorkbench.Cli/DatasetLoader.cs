using System.Security.Cryptography;
using VaeWorkbench.Engine.Data;
using VaeWorkbench.Imaging;
using VaeWorkbench.Imaging.Datasets;
using VaeWorkbench.Imaging.Formats;
using VaeWorkbench.Imaging.Transforms;

namespace VaeWorkbench.Cli;

/// <summary>Which part of a dataset to load: the training images or the held-out test images.</summary>
public enum DatasetSplit { Train, Test }

/// <summary>
/// Turns a <c>--data</c> path into an engine <see cref="ImageDataset"/>: a Fashion-MNIST-style IDX directory
/// (<c>train-images-idx3-ubyte[.gz]</c> with optional <c>train-labels-idx1-ubyte[.gz]</c>, and <c>t10k-*</c> for the test
/// split), or an image folder / ZIP in ImageFolder layout / single image file, normalised to <c>normalize</c>'s size and
/// channels (such sources have only a training split; class folders become labels in name order).
/// </summary>
public static class DatasetLoader
{
    public static ImageDataset Load(string path, DatasetSplit split, int? limit = null, NormalizeOptions? normalize = null)
    {
        if (IsIdxDirectory(path)) return LoadIdxDirectory(path, split, limit);
        if (!Directory.Exists(path) && !File.Exists(path)) throw new DirectoryNotFoundException($"--data '{path}' does not exist");
        if (split == DatasetSplit.Test) throw new InvalidOperationException($"'{path}' has no test split; only IDX directories have one");
        return LoadImages(path, limit, normalize ?? new NormalizeOptions());
    }

    /// <summary>
    /// The dataset as a batch source: an IDX split's 8-bit pixels held as bytes (converted per batch), or cut into shards
    /// under <paramref name="memory"/>'s folder when they pass its budget; image folders and ZIPs are decoded to floats.
    /// </summary>
    public static IImageSource Open(string path, DatasetSplit split, MemoryBudget memory, int? limit = null, NormalizeOptions? normalize = null, TextWriter? log = null)
    {
        if (!IsIdxDirectory(path)) return Load(path, split, limit, normalize);
        var (images, labels) = ReadIdx(path, split);
        var count = limit is { } l ? Math.Min(l, images.Count) : images.Count;
        var pixelCount = images.Rows * images.Columns;
        var bytes = images.Pixels.AsMemory(0, count * pixelCount);
        var labelArray = labels?.AsSpan(0, count).ToArray().Select(b => (int)b).ToArray();
        if (ImageSources.FitsInMemory(count, pixelCount, memory.BudgetBytes))
            return new ByteImageSet(bytes.Length == images.Pixels.Length ? images.Pixels : bytes.ToArray(), count, 1, images.Rows, images.Columns, labelArray);
        // Named by content, so a changed file is never read through stale shards.
        var hash = SHA256.HashData(bytes.Span);
        var source = $"idx-{split.ToString().ToLowerInvariant()}-{count}-{Convert.ToHexStringLower(hash)}";
        var input = new ShardBuilder.Input(source, count, 1, images.Rows, images.Columns, labelArray, () => new MemoryStream(images.Pixels, 0, bytes.Length, writable: false));
        return ImageSources.Open(input, memory.BudgetBytes, Path.Combine(memory.ShardDirectory, source), m => log?.WriteLine($"note: {m}"));
    }

    /// <summary>True when the source holds the given split: image folders and ZIPs have only a training split.</summary>
    public static bool HasSplit(string path, DatasetSplit split) =>
        Directory.Exists(path) && FindFile(path, Prefix(split), "images-idx3-ubyte") is not null;

    private static bool IsIdxDirectory(string path) => HasSplit(path, DatasetSplit.Train) || HasSplit(path, DatasetSplit.Test);

    private static ImageDataset LoadImages(string path, int? limit, NormalizeOptions normalize)
    {
        var loaded = TensorDatasetLoader.Load(path, normalize);
        if (loaded.Count == 0)
        {
            var skipped = loaded.Report.Skipped;
            var first = skipped.Count > 0 ? $", first: {skipped[0].Name}: {skipped[0].Reason}" : "";
            throw new InvalidDataException($"'{path}' holds no readable images ({skipped.Count} files skipped{first}); --data takes an IDX directory " +
                "(train-images-idx3-ubyte[.gz], t10k-*) or an image folder / ZIP in ImageFolder layout");
        }
        var dataset = new ImageDataset(loaded.Data, loaded.Count, loaded.Channels, loaded.Size, loaded.Size,
            loaded.Labels.Any(l => l >= 0) ? loaded.Labels : null);
        return limit is { } l && l < dataset.Count ? dataset.Slice(0, l) : dataset;
    }

    private static ImageDataset LoadIdxDirectory(string directory, DatasetSplit split, int? limit)
    {
        var (images, labels) = ReadIdx(directory, split);
        var count = limit is { } l ? Math.Min(l, images.Count) : images.Count;
        var pixels = images.Rows * images.Columns;
        return ImageDataset.FromBytes(images.Pixels.AsSpan(0, count * pixels), count, 1, images.Rows, images.Columns,
            labels?.AsSpan(0, count).ToArray().Select(b => (int)b).ToArray());
    }

    private static (IdxImages Images, byte[]? Labels) ReadIdx(string directory, DatasetSplit split)
    {
        var prefix = Prefix(split);
        var imagesPath = FindFile(directory, prefix, "images-idx3-ubyte")
            ?? throw new FileNotFoundException($"no {prefix}-images-idx3-ubyte[.gz] in '{directory}'");
        var labelsPath = FindFile(directory, prefix, "labels-idx1-ubyte");
        try
        {
            var images = IdxReader.ReadImages(imagesPath);
            var labels = labelsPath is null ? null : IdxReader.ReadLabels(labelsPath);
            if (labels is not null && labels.Length != images.Count)
                throw new InvalidDataException($"'{imagesPath}' has {images.Count} images but '{labelsPath}' has {labels.Length} labels");
            if (images.Count == 0) throw new InvalidDataException($"'{imagesPath}' holds no images");
            return (images, labels);
        }
        catch (InvalidImageException e)
        {
            throw new InvalidDataException(e.Message, e);
        }
    }

    private static string Prefix(DatasetSplit split) => split == DatasetSplit.Train ? "train" : "t10k";

    private static string? FindFile(string directory, string prefix, string stem)
    {
        foreach (var name in new[] { $"{prefix}-{stem}.gz", $"{prefix}-{stem}", $"{prefix}-{stem.Replace("-ubyte", ".ubyte", StringComparison.Ordinal)}" })
        {
            var candidate = Path.Combine(directory, name);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }
}
