using VaeWorkbench.Engine;
using VaeWorkbench.Engine.IO;
using VaeWorkbench.Engine.Layers;
using VaeWorkbench.Engine.Model;
using VaeWorkbench.Tests.Shared;

namespace VaeWorkbench.Onnx.Tests;

/// <summary>Export refuses, naming the cause, what it cannot represent, instead of writing a graph that computes something else.</summary>
public class OnnxRefusalTests
{
    [Fact]
    public void A_model_file_with_an_option_this_version_does_not_know_is_refused_by_name()
    {
        // A file written by a newer version, with an option this one does not know: it loads here as the plain model,
        // since the loader ignores unknown keys, so exporting it would silently compute something else.
        var file = ModelFileConfigEdit.WithEntry(SavedFile(VaeConfig.MlpPreset()), "attention_heads", "4");
        var loaded = ModelFile.Load(file);
        var error = Assert.Throws<OnnxExportException>(() => VaeOnnxExporter.Export(loaded, "future"));
        Assert.Contains("'attention_heads'", error.Message);
        Assert.Contains("cannot be exported to ONNX", error.Message);

        // The same file without the extra entry exports.
        Assert.NotEmpty(VaeOnnxExporter.Export(ModelFile.Load(SavedFile(VaeConfig.MlpPreset())), "plain").Encoder);
    }

    [Fact]
    public void A_derived_property_is_not_a_key_a_file_can_hold()
    {
        // pixel_count is computed from the image size, never read: a file that holds it was not written by us.
        var file = ModelFileConfigEdit.WithEntry(SavedFile(VaeConfig.MlpPreset()), "pixel_count", "784");
        Assert.Contains("'pixel_count'", Assert.Throws<OnnxExportException>(() => VaeOnnxExporter.Export(ModelFile.Load(file), "odd")).Message);
    }

    [Fact]
    public void A_layer_without_a_translation_is_refused_by_name()
    {
        var graph = new OnnxGraph("test");
        var network = new Sequential(new Linear("fc", 4, 3), new Squash(3));
        var error = Assert.Throws<OnnxExportException>(() =>
            new LayerTranslator(graph, "decoder").Translate(network, graph.FloatInput("z", "", 4), TensorLayout.Flat(4)));
        Assert.Equal("the decoder's layer 2 (Squash) has no ONNX translation", error.Message);
    }

    /// <summary>A layer the exporter has never heard of.</summary>
    private sealed class Squash(int size) : Layer
    {
        public override int InputSize => size;
        public override int OutputSize => size;
        public override float[] Forward(float[] input, int batch) => input;
        public override float[] Backward(float[] outputGradient, int batch) => outputGradient;
    }

    private static byte[] SavedFile(VaeConfig config)
    {
        using var stream = new MemoryStream();
        ModelFile.Save(stream, new Vae(config, 1));
        return stream.ToArray();
    }
}
