using System.Diagnostics;
using VaeWorkbench.Engine.Model;

namespace VaeWorkbench.Onnx.Tests;

/// <summary>
/// A second, independent reader: Debian's python3-onnx (1.12.0) checks both files with onnx.checker.check_model, with
/// full_check (the checker plus strict shape inference), and the test reads back the IR version, the opset and the
/// declared shapes.
/// </summary>
public class OnnxCheckerTests
{
    private const string Python = "/usr/bin/python3";

    private const string Script = """
        import sys, onnx
        from onnx import checker
        for path in sys.argv[1:]:
            model = onnx.load(path)
            checker.check_model(model, full_check=True)
            def dims(v):
                return ",".join(d.dim_param or str(d.dim_value) for d in v.type.tensor_type.shape.dim)
            opsets = ",".join(f"{o.domain or 'ai.onnx'}:{o.version}" for o in model.opset_import)
            ios = " ".join(f"{v.name}({dims(v)})" for v in list(model.graph.input) + list(model.graph.output))
            print(f"ok ir{model.ir_version} {opsets} {ios}")
        """;

    [Theory]
    [InlineData("mlp")]
    [InlineData("conv")]
    [InlineData("conv-rgb-64")]
    [InlineData("mlp-conditional")]
    public async Task Onnx_checker_accepts_both_files(string preset)
    {
        var config = preset switch
        {
            "mlp" => VaeConfig.MlpPreset(),
            "conv" => VaeConfig.ConvPreset(),
            "mlp-conditional" => VaeConfig.MlpPreset() with { ClassCount = 10 },
            _ => new VaeConfig { Architecture = VaeArchitecture.Conv, Channels = 3, Height = 64, Width = 64, Latent = 16, ConvWidths = [8, 16, 32, 32], ConvDense = 96 },
        };
        var export = VaeOnnxExporter.Export(TestModels.ThroughFile(new Vae(config, 1)), preset);
        var directory = Directory.CreateTempSubdirectory("onnx-check-");
        try
        {
            export.WriteDirectory(directory.FullName);
            var encoder = Path.Combine(directory.FullName, OnnxExport.EncoderFile);
            var decoder = Path.Combine(directory.FullName, OnnxExport.DecoderFile);
            var lines = await RunPythonAsync(encoder, decoder);
            var (c, h, w, l) = (config.Channels, config.Height, config.Width, config.Latent);
            var classes = config.Conditional ? " class(batch)" : "";
            Assert.Equal(
            [
                $"ok ir8 ai.onnx:17 image(batch,{c},{h},{w}){classes} mean(batch,{l}) log_variance(batch,{l})",
                $"ok ir8 ai.onnx:17 z(batch,{l}){classes} logits(batch,{c},{h},{w}) pixels(batch,{c},{h},{w})",
            ], lines);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Onnx_checker_rejects_a_broken_graph_so_its_pass_means_something()
    {
        var export = VaeOnnxExporter.Export(new Vae(VaeConfig.MlpPreset(), 1), "mlp");
        // The same encoder with a node that reads a tensor nothing produces.
        var model = global::Onnx.ModelProto.Parser.ParseFrom(export.Encoder);
        model.Graph.Node[0].Input[0] = "no_such_tensor";
        var path = Path.Combine(Path.GetTempPath(), $"broken-{Guid.NewGuid():N}.onnx");
        try
        {
            await File.WriteAllBytesAsync(path, Google.Protobuf.MessageExtensions.ToByteArray(model));
            var start = Start(path);
            using var python = Process.Start(start)!;
            var error = await python.StandardError.ReadToEndAsync();
            await python.WaitForExitAsync();
            Assert.NotEqual(0, python.ExitCode);
            Assert.Contains("no_such_tensor", error);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static ProcessStartInfo Start(params string[] files)
    {
        if (!File.Exists("/usr/lib/python3/dist-packages/onnx/checker.py"))
            Assert.Fail("Debian's python3-onnx is missing: apt-get install -y python3-onnx (scripts/test.sh does this)");
        return new ProcessStartInfo(Python, ["-c", Script, .. files]) { RedirectStandardOutput = true, RedirectStandardError = true };
    }

    private static async Task<string[]> RunPythonAsync(params string[] files)
    {
        using var python = Process.Start(Start(files))!;
        var output = python.StandardOutput.ReadToEndAsync();
        var error = python.StandardError.ReadToEndAsync();
        await python.WaitForExitAsync();
        Assert.True(python.ExitCode == 0, $"onnx.checker failed: {await error}");
        return (await output).Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }
}
