using System.Text.Json;
using VaeWorkbench.Engine.IO;
using VaeWorkbench.Engine.Model;
using VaeWorkbench.Web.Teams;

namespace VaeWorkbench.Web.Registry;

/// <summary>
/// Checks an uploaded <c>.vae</c> file completely before anything is stored: the safetensors header and tensor sizes and
/// the architecture its config describes (both in <see cref="ModelFile.Load(ReadOnlySpan{byte})"/>), finite weights, and a
/// forward pass on a zero image that must give finite codes and pixels in [0, 1]. Every failure is a 400 with the reason.
/// </summary>
internal static class ModelImportValidator
{
    public static LoadedModel Validate(byte[] file)
    {
        if (file.Length == 0) throw Rejected("the file is empty");
        LoadedModel loaded;
        try
        {
            RefuseConfigLargerThanFile(file);
            loaded = ModelFile.Load(file);
        }
        catch (InvalidModelFileException e)
        {
            throw Rejected(e.Message);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or OverflowException or System.Text.Json.JsonException)
        {
            // The loader should turn every defect into InvalidModelFileException; this keeps a gap there a 400, not a 500.
            throw Rejected(e.Message);
        }

        var model = loaded.Model;
        foreach (var p in model.Parameters)
            for (var i = 0; i < p.Value.Length; i++)
                if (!float.IsFinite(p.Value[i])) throw Rejected($"tensor '{p.Name}' holds a non-finite value at element {i}");

        var zero = new float[model.PixelCount];
        int[] firstClass = model.Conditional ? [0] : []; // a conditional model is tried at its first class
        var (mean, logVariance) = model.Encode(zero, 1, firstClass);
        if (mean.Concat(logVariance).Any(v => !float.IsFinite(v))) throw Rejected("the encoder gives non-finite codes for a zero image");
        var pixels = model.Decode(mean, 1, firstClass);
        if (pixels.Any(v => !float.IsFinite(v) || v < 0f || v > 1f)) throw Rejected("the decoder gives pixels outside [0, 1] for a zero image");
        return loaded;
    }

    /// <summary>
    /// The loader builds the model its config describes before it reads the weights, so a small file whose config asks
    /// for a huge model would allocate up to the engine's parameter limit (800 MB) per request. Its float32 weights must be
    /// in the file, so a config that needs far more bytes than the file has is refused first. The engine's estimate is close
    /// to the real count (never above twice it, tested), hence the factor of two: a valid file is never refused.
    /// </summary>
    internal static void RefuseConfigLargerThanFile(byte[] file)
    {
        var (_, metadata) = SafeTensors.Read(file);
        if (!metadata.TryGetValue("config", out var json)) return; // the loader gives the precise message
        VaeConfig? config;
        try
        {
            config = ModelFile.ReadConfig(json);
        }
        catch (JsonException)
        {
            return; // likewise
        }
        if (config is null) return;
        var parameters = config.EstimateParameterCount();
        if (parameters * 4 > 2L * file.Length)
            throw Rejected($"its config describes a model of about {parameters:N0} parameters, but the file has only {file.Length:N0} bytes");
    }

    private static RequestRejectedException Rejected(string reason) => new($"This is not a valid .vae model file: {reason}. Nothing was stored.");
}
