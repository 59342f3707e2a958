using VaeWorkbench.Engine.IO;
using VaeWorkbench.Web.Storage;
using VaeWorkbench.Web.Teams;

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

    /// <summary>Whether <c>format</c> asks for the ONNX export; "vae" (or nothing) is the model file. Other values are a 400 naming the field.</summary>
    public static bool IsOnnx(string? format, bool includeTrainingState)
    {
        var onnx = format?.Trim().ToLowerInvariant() switch
        {
            null or "" or "vae" => false,
            "onnx" => true,
            _ => throw new RequestRejectedException($"format is vae (the model file, the default) or onnx (a ZIP of encoder.onnx and decoder.onnx), not '{format}'.", "format"),
        };
        if (onnx && includeTrainingState)
            throw new RequestRejectedException("includeTrainingState applies to the .vae format only: an ONNX export holds the weights for inference.", "includeTrainingState");
        return onnx;
    }
}
