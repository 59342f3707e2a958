using System.Security.Cryptography;
using VaeWorkbench.Engine.Data;
using VaeWorkbench.Web.Data.Entities;
using VaeWorkbench.Web.Storage;

namespace VaeWorkbench.Web.Datasets;

/// <summary>
/// Loads a dataset's packed tensor for a job (training, scoring, generation) and checks it against its content hash
/// first: a file damaged on disk (a bad sector, a partial copy, a hand edit) would otherwise train or score on garbage
/// without a word. A damaged file fails the job with a reason the user can act on.
/// </summary>
public static class DatasetTensorLoader
{
    public static ImageDataset Load(BlobStore blobs, Dataset dataset)
    {
        if (dataset.TensorHash is null) throw new InvalidOperationException($"dataset '{dataset.Name}' has no stored images");
        byte[] bytes;
        try
        {
            bytes = blobs.ReadAllBytes(dataset.TensorHash);
        }
        catch (FileNotFoundException)
        {
            throw new InvalidDataException($"dataset '{dataset.Name}' is damaged: its stored images are missing from the data directory. Upload it again.");
        }
        if (!Convert.ToHexStringLower(SHA256.HashData(bytes)).Equals(dataset.TensorHash, StringComparison.Ordinal))
            throw new InvalidDataException($"dataset '{dataset.Name}' is damaged: its stored images no longer match their checksum (the file changed on disk). Upload it again.");
        using var stream = new MemoryStream(bytes, writable: false);
        return DatasetTensorFile.Read(stream);
    }
}
