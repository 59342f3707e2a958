using System.Globalization;
using System.Text;
using VaeWorkbench.Engine.Model;

namespace VaeWorkbench.Onnx;

/// <summary>
/// The words that describe an export: README.txt beside the files, and the doc strings inside them (the same sentences,
/// so the two cannot disagree).
/// </summary>
internal static class OnnxReadme
{
    public static string ImageDoc(VaeConfig c) =>
        $"float32 (batch, {c.Channels}, {c.Height}, {c.Width}), NCHW: {Channels(c)}, rows top to bottom, columns left to right; " +
        "values in [0, 1] (an 8-bit pixel divided by 255), as the model was trained on.";

    public const string MeanDoc = "float32 (batch, latent): μ, the mean of q(z | image).";
    public const string LogVarianceDoc = "float32 (batch, latent): log σ², the log-variance of q(z | image); σ = exp(½ log σ²).";
    public const string LatentDoc = "float32 (batch, latent): a latent code; draw it from N(0, I) to sample, or pass the encoder's mean to reconstruct.";
    public const string LogitsDoc = "float32 (batch, C, H, W), NCHW like the encoder's image: the decoder's logits, unbounded.";
    public const string PixelsDoc = "float32 (batch, C, H, W), NCHW like the encoder's image: σ(logits), the mean image, values in [0, 1].";

    public static string ClassDoc(VaeConfig c) =>
        $"int64 (batch): the class of each image, an index in 0..{c.ClassCount - 1}; the graph makes it a one-hot vector, " +
        "appended to the encoder's features and to z (the model's learned class embedding is the weight columns of the layer after).";

    public static string EncoderDoc(VaeConfig c) =>
        $"VaeWorkbench VAE encoder ({Architecture(c)}): image -> mean and log_variance of q(z | image), latent size {c.Latent}.";

    public static string DecoderDoc(VaeConfig c) =>
        $"VaeWorkbench VAE decoder ({Architecture(c)}): z -> logits and pixels (pixels = sigmoid(logits), the mean image in [0, 1]).";

    public static string Write(VaeConfig c, string modelName)
    {
        var text = new StringBuilder();
        void Line(string line = "") => text.Append(line).Append('\n');
        Line($"ONNX export of the VaeWorkbench model {modelName}");
        Line();
        Line($"Architecture: {Architecture(c)}. Likelihood it was trained with: {OptionNames.NameOf(OptionNames.Losses, c.Loss)}.");
        Line($"ONNX IR version 8, opset {OnnxGraph.Opset} (default domain only). The first dimension of every input and output is");
        Line($"the batch size, named '{OnnxGraph.BatchDimension}': any batch of 1 or more images runs in one call.");
        Line(c.Conditional
            ? $"This model is conditional on {c.ClassCount} classes: both graphs take the class of each image as a second input."
            : "This model takes no class: each graph has one input.");
        Line();
        Line($"{OnnxExport.EncoderFile}");
        Line($"  input  {VaeOnnxExporter.ImageInput,-13} {ImageDoc(c)}");
        if (c.Conditional) Line($"  input  {VaeOnnxExporter.ClassIndexInput,-13} {ClassDoc(c)}");
        Line($"  output {VaeOnnxExporter.MeanOutput,-13} {MeanDoc.Replace("latent", c.Latent.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)}");
        Line($"  output {VaeOnnxExporter.LogVarianceOutput,-13} {LogVarianceDoc.Replace("latent)", $"{c.Latent})", StringComparison.Ordinal)}");
        Line();
        Line($"{OnnxExport.DecoderFile}");
        Line($"  input  {VaeOnnxExporter.LatentInput,-13} {LatentDoc.Replace("latent)", $"{c.Latent})", StringComparison.Ordinal)}");
        if (c.Conditional) Line($"  input  {VaeOnnxExporter.ClassIndexInput,-13} {ClassDoc(c)}");
        Line($"  output {VaeOnnxExporter.LogitsOutput,-13} {Shape(LogitsDoc, c)}");
        Line($"  output {VaeOnnxExporter.PixelsOutput,-13} {Shape(PixelsDoc, c)}");
        Line();
        Line("Pixel layout: NCHW float32. " + Channels(c) + ". An image of H rows and W columns is");
        Line("stored row by row; an 8-bit value v is v / 255, and a pixel p is written back as round(255 · p).");
        Line();
        Line("Use:");
        if (c.Conditional)
        {
            Line("  reconstruct  pixels = decoder(z = encoder(image, class).mean, class)");
            Line("  sample       pixels = decoder(z ~ N(0, I), class): an image of the class asked for");
        }
        else
        {
            Line("  reconstruct  pixels = decoder(z = encoder(image).mean)");
            Line("  sample       pixels = decoder(z ~ N(0, I))");
        }
        Line("  posterior    z = mean + exp(0.5 · log_variance) · ε, ε ~ N(0, I)");
        Line("The pixels output is the decoder's mean image, what VaeWorkbench shows and saves; logits are for a loss");
        Line("(binary cross-entropy with logits is the Bernoulli likelihood). For the Gaussian, Laplace and MSE likelihoods the");
        Line("mean image is also sigmoid(logits); a learned observation variance is not part of the export.");
        Line();
        Line("Both files were checked against the VaeWorkbench engine with ONNX Runtime (largest difference under 1e-4).");
        return text.ToString();
    }

    private static string Shape(string doc, VaeConfig c) =>
        doc.Replace("(batch, C, H, W)", $"(batch, {c.Channels}, {c.Height}, {c.Width})", StringComparison.Ordinal);

    private static string Channels(VaeConfig c) => c.Channels == 1 ? "one grey channel (0 black, 1 white)" : "three channel planes in the order red, green, blue";

    private static string Architecture(VaeConfig c) => c.Architecture == VaeArchitecture.Mlp
        ? $"mlp, {c.Channels}x{c.Height}x{c.Width} image, hidden layers [{string.Join(", ", c.Hidden)}] with ReLU, latent {c.Latent}"
        : $"conv, {c.Channels}x{c.Height}x{c.Width} image, k4 s2 p1 convolutions of widths [{string.Join(", ", c.ConvWidths)}] with ReLU, dense {c.ConvDense}, latent {c.Latent}";
}
