using System.Security.Cryptography;
using VaeWorkbench.Engine.Data;
using VaeWorkbench.Web.Data.Entities;
using VaeWorkbench.Web.Storage;

namespace VaeWorkbench.Web.Datasets;

/// <summary>Where a job's images may live: how many pixel bytes it may hold in memory, and where shards of larger sets go.</summary>
public sealed record DatasetMemory(long BudgetBytes, string ShardDirectory);

/// <summary>
/// Loads a dataset's packed tensor for a job (training, scoring, generation) and checks it against its content hash
/// first: a file damaged on disk (a bad sector, a partial copy, a hand edit) would otherwise train or score on garbage
/// without a word. A damaged file fails the job with a reason the user can act on.
/// </summary>
public static class DatasetTensorLoader
{
    /// <summary>The whole set as floats in memory: for pages that show a few images of a set (inspection, registry).</summary>
    public static ImageDataset Load(BlobStore blobs, Dataset dataset)
    {
        var hash = TensorHash(dataset);
        byte[] bytes;
        try
        {
            bytes = blobs.ReadAllBytes(hash);
        }
        catch (FileNotFoundException)
        {
            throw Missing(dataset);
        }
        if (!Convert.ToHexStringLower(SHA256.HashData(bytes)).Equals(hash, StringComparison.Ordinal)) throw Damaged(dataset);
        using var stream = new MemoryStream(bytes, writable: false);
        return DatasetTensorFile.Read(stream);
    }

    /// <summary>
    /// The set as a job's batch source: its pixel bytes in memory when they fit <paramref name="memory"/>'s budget, else
    /// memory-mapped shards cut once under its shard directory (named by the tensor's hash, so reused by every job on
    /// the same images). The checksum is checked in the same pass that reads the bytes or cuts the shards.
    /// </summary>
    public static IImageSource Open(BlobStore blobs, Dataset dataset, DatasetMemory memory, Action<string>? log = null)
    {
        var hash = TensorHash(dataset);
        var path = blobs.PathOf(hash);
        DatasetTensorFile.Contents contents;
        try
        {
            using var file = File.OpenRead(path);
            contents = DatasetTensorFile.ReadHeader(file); // also checks the length against the header
        }
        catch (FileNotFoundException)
        {
            throw Missing(dataset);
        }
        Stream OpenPixels()
        {
            var verifying = new ChecksumVerifyingStream(File.OpenRead(path), hash, () => Damaged(dataset));
            DatasetTensorFile.ReadHeader(verifying);
            return verifying;
        }
        var input = new ShardBuilder.Input(hash, contents.Count, contents.Channels, contents.Height, contents.Width, contents.Labels, OpenPixels);
        return ImageSources.Open(input, memory.BudgetBytes, Path.Combine(memory.ShardDirectory, hash), log);
    }

    private static string TensorHash(Dataset dataset) =>
        dataset.TensorHash ?? throw new InvalidOperationException($"dataset '{dataset.Name}' has no stored images");

    private static InvalidDataException Missing(Dataset dataset) =>
        new($"dataset '{dataset.Name}' is damaged: its stored images are missing from the data directory. Upload it again.");

    private static InvalidDataException Damaged(Dataset dataset) =>
        new($"dataset '{dataset.Name}' is damaged: its stored images no longer match their checksum (the file changed on disk). Upload it again.");
}
