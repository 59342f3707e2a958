using VaeWorkbench.Engine.IO;
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
        var (mean, logVariance) = model.Encode(zero, 1);
        if (mean.Concat(logVariance).Any(v => !float.IsFinite(v))) throw Rejected("the encoder gives non-finite codes for a zero image");
        var pixels = model.Decode(mean, 1);
        if (pixels.Any(v => !float.IsFinite(v) || v < 0f || v > 1f)) throw Rejected("the decoder gives pixels outside [0, 1] for a zero image");
        return loaded;
    }

    private static RequestRejectedException Rejected(string reason) => new($"This is not a valid .vae model file: {reason}. Nothing was stored.");
}
