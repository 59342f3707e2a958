using VaeWorkbench.Engine.IO;
using VaeWorkbench.Web.Storage;

namespace VaeWorkbench.Web.Registry;

/// <summary>
/// What a model download sends. The stored file is the training checkpoint (weights, config, history and the optimizer
/// state); people download models to score and generate, so by default they get the inference file, written from it
/// on the fly (the same weights, bit for bit, about a third of the size). With the training state the stored file goes
/// out as it is.
/// </summary>
public static class ModelDownload
{
    public static async Task<Stream> OpenAsync(BlobStore blobs, string hash, bool includeTrainingState, CancellationToken ct)
    {
        if (includeTrainingState) return blobs.OpenRead(hash);
        var stored = await Task.Run(() => blobs.ReadAllBytes(hash), ct);
        return new MemoryStream(ModelFile.WithoutTrainingState(stored), writable: false);
    }
}
