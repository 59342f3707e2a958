using System.Text.Json;
using VaeWorkbench.Engine.IO;
using VaeWorkbench.Engine.Model;

namespace VaeWorkbench.Onnx;

/// <summary>
/// Exports a VAE as two ONNX models (opset 17, IR 8, dynamic batch): the encoder, image -> (μ, log σ²), and the decoder,
/// z -> (logits, pixels). Both run the engine's own arithmetic (Gemm, Conv, ConvTranspose and element-wise ops), with
/// conv weights permuted from the engine's channels-last storage to ONNX's NCHW.
/// </summary>
public static class VaeOnnxExporter
{
    /// <summary>The ONNX opset (default domain) both graphs use.</summary>
    public const long Opset = OnnxGraph.Opset;

    public const string ImageInput = "image";
    public const string MeanOutput = "mean";
    public const string LogVarianceOutput = "log_variance";
    public const string LatentInput = "z";

    /// <summary>A conditional model's second input on both graphs: int64 (batch), the class index of each image.</summary>
    public const string ClassIndexInput = ClassInput.Name;
    public const string LogitsOutput = "logits";
    public const string PixelsOutput = "pixels";

    /// <summary>A model as its model file holds it; the file's config is checked for options the export cannot represent.</summary>
    public static OnnxExport Export(LoadedModel loaded, string modelName) =>
        Export(loaded.Model, modelName, loaded.Metadata.GetValueOrDefault("config"));

    /// <summary>Throws <see cref="OnnxExportException"/>, naming the option or layer, when the model cannot be represented.</summary>
    public static OnnxExport Export(Vae model, string modelName, string? configJson = null)
    {
        var c = model.Config;
        ExportableOptions.Check(c, configJson);
        var metadata = new Dictionary<string, string>
        {
            ["vaeworkbench.model"] = modelName,
            ["vaeworkbench.config"] = JsonSerializer.Serialize(c, ConfigJson),
        };
        var readme = OnnxReadme.Write(c, modelName);
        return new OnnxExport(Encoder(model, metadata), Decoder(model, metadata), readme);
    }

    private static readonly JsonSerializerOptions ConfigJson = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    // image:(B,C,H,W) [class:(B)] -> head:(B,2L) -> mean:(B,L), log_variance:(B,L)
    private static byte[] Encoder(Vae model, Dictionary<string, string> metadata)
    {
        var c = model.Config;
        var graph = new OnnxGraph("vae_encoder");
        var image = graph.FloatInput(ImageInput, OnnxReadme.ImageDoc(c), c.Channels, c.Height, c.Width);
        var translator = new LayerTranslator(graph, "encoder", Classes(graph, c));
        var (head, layout) = translator.Translate(model.Encoder, image, TensorLayout.Image(c.Channels, c.Height, c.Width, engineChannelsLast: false));
        if (layout.Size != 2 * c.Latent) throw new OnnxExportException($"the encoder ends with {layout.Size} values per image, not 2 × {c.Latent} (μ and log σ²)");
        var flat = translator.ToFlat(head, layout);
        string mean = graph.Fresh("mean"), logVariance = graph.Fresh("log_variance");
        graph.MultiOutputNode("Split", [flat, graph.Int64s("split", c.Latent, c.Latent)], [mean, logVariance], OnnxGraph.Int("axis", 1));
        graph.FloatOutput(mean, MeanOutput, OnnxReadme.MeanDoc, c.Latent);
        graph.FloatOutput(logVariance, LogVarianceOutput, OnnxReadme.LogVarianceDoc, c.Latent);
        return graph.ToModel(OnnxReadme.EncoderDoc(c), metadata);
    }

    /// <summary>The class input, declared on the graph, for a conditional model; null otherwise.</summary>
    private static ClassInput? Classes(OnnxGraph graph, VaeConfig c)
    {
        if (!c.Conditional) return null;
        var classes = new ClassInput(graph, c.ClassCount);
        classes.Declare(OnnxReadme.ClassDoc(c));
        return classes;
    }

    // z:(B,L) [class:(B)] -> logits:(B,C,H,W), pixels = σ(logits)
    private static byte[] Decoder(Vae model, Dictionary<string, string> metadata)
    {
        var c = model.Config;
        var graph = new OnnxGraph("vae_decoder");
        var z = graph.FloatInput(LatentInput, OnnxReadme.LatentDoc, c.Latent);
        var translator = new LayerTranslator(graph, "decoder", Classes(graph, c));
        var (output, layout) = translator.Translate(model.Decoder, z, TensorLayout.Flat(c.Latent));
        if (layout.Size != c.PixelCount) throw new OnnxExportException($"the decoder ends with {layout.Size} values per image, not {c.PixelCount}");
        // The engine's decoder ends in the dataset's (C, H, W) order; an NCHW image in that order is used as it is.
        var logits = layout.IsImage && layout.EngineOrderIsChw && (layout.C, layout.H, layout.W) == (c.Channels, c.Height, c.Width)
            ? output
            : graph.Node("Reshape", [translator.ToFlat(output, layout), graph.Int64s("shape", 0, c.Channels, c.Height, c.Width)]);
        graph.FloatOutput(logits, LogitsOutput, OnnxReadme.LogitsDoc, c.Channels, c.Height, c.Width);
        graph.FloatOutput(graph.Node("Sigmoid", [logits]), PixelsOutput, OnnxReadme.PixelsDoc, c.Channels, c.Height, c.Width);
        return graph.ToModel(OnnxReadme.DecoderDoc(c), metadata);
    }
}
