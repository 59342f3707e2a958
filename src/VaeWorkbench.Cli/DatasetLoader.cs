using VaeWorkbench.Engine.Data;
using VaeWorkbench.Imaging;
using VaeWorkbench.Imaging.Formats;

namespace VaeWorkbench.Cli;

/// <summary>Which part of a dataset to load: the training images or the held-out test images.</summary>
public enum DatasetSplit { Train, Test }

/// <summary>
/// Turns a <c>--data</c> path into an engine <see cref="ImageDataset"/>. Today: a Fashion-MNIST-style IDX directory
/// (<c>train-images-idx3-ubyte[.gz]</c> with optional <c>train-labels-idx1-ubyte[.gz]</c>, and <c>t10k-*</c> for the test
/// split). Image folders and ZIPs plug in here once their readers land.
/// </summary>
public static class DatasetLoader
{
    public static ImageDataset Load(string path, DatasetSplit split, int? limit = null)
    {
        if (Directory.Exists(path)) return LoadIdxDirectory(path, split, limit);
        if (File.Exists(path)) throw new NotSupportedException($"'{path}' is a file; --data takes an IDX directory (image folders and ZIPs are not supported yet)");
        throw new DirectoryNotFoundException($"--data '{path}' does not exist");
    }

    /// <summary>True when the directory holds the given split.</summary>
    public static bool HasSplit(string path, DatasetSplit split) =>
        Directory.Exists(path) && FindFile(path, Prefix(split), "images-idx3-ubyte") is not null;

    private static ImageDataset LoadIdxDirectory(string directory, DatasetSplit split, int? limit)
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
            var count = limit is { } l ? Math.Min(l, images.Count) : images.Count;
            var pixels = images.Rows * images.Columns;
            return ImageDataset.FromBytes(images.Pixels.AsSpan(0, count * pixels), count, 1, images.Rows, images.Columns,
                labels?.AsSpan(0, count).ToArray().Select(b => (int)b).ToArray());
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
