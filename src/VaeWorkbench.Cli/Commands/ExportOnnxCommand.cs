using VaeWorkbench.Engine.IO;
using VaeWorkbench.Onnx;

namespace VaeWorkbench.Cli.Commands;

/// <summary><c>vae export onnx</c>: writes a model file as encoder.onnx and decoder.onnx, with README.txt describing them.</summary>
public sealed class ExportOnnxCommand : ICliCommand
{
    public string Name => "export onnx";
    public string Summary => "export a model as ONNX: encoder.onnx, decoder.onnx and README.txt";
    public string Usage => """
        usage: vae export onnx --model <m.vae> --out <dir>
          writes <dir>/encoder.onnx   image (batch, C, H, W) in [0, 1] -> mean, log_variance (batch, latent)
                 <dir>/decoder.onnx   z (batch, latent) -> logits and pixels = sigmoid(logits) (batch, C, H, W)
                 <dir>/README.txt     inputs, outputs, shapes, pixel layout and value ranges
          a conditional model (vae train --conditional) takes a second input on both graphs: class, int64 (batch), 0..K-1
          ONNX opset 17 (IR 8), batch dimension dynamic. A model the export cannot represent is refused, naming why.
        """;

    public int Run(CliArguments args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var modelPath = args.Required("model");
        var output = args.Required("out");
        args.EnsureAllConsumed();
        if (File.Exists(output)) throw new UsageException($"--out {output} is a file; give a directory (it is created if missing)");
        var loaded = ModelFile.Load(modelPath);
        var export = VaeOnnxExporter.Export(loaded, Path.GetFileNameWithoutExtension(modelPath));
        export.WriteDirectory(output);
        var c = loaded.Model.Config;
        stdout.WriteLine($"wrote {Path.Combine(output, OnnxExport.EncoderFile)} ({export.Encoder.Length:N0} bytes), " +
            $"{Path.Combine(output, OnnxExport.DecoderFile)} ({export.Decoder.Length:N0} bytes) and {OnnxExport.ReadmeFile}: " +
            $"image {c.Channels}x{c.Height}x{c.Width}, latent {c.Latent}{(c.Conditional ? $", class input (0..{c.ClassCount - 1})" : "")}, opset {VaeOnnxExporter.Opset}");
        return 0;
    }
}
