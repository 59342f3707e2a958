using VaeWorkbench.Engine.IO;
using VaeWorkbench.Engine.Model;
using VaeWorkbench.Onnx;
using VaeWorkbench.Tests.Shared;

namespace VaeWorkbench.Cli.Tests.Commands;

/// <summary>
/// <c>vae export onnx</c> writes the exporter's files for a model file (their ONNX Runtime parity is tested in
/// VaeWorkbench.Onnx.Tests) and refuses, with one clear line, what cannot be exported.
/// </summary>
public sealed class ExportOnnxCommandTests : IDisposable
{
    private readonly string _dir = CliHarness.TempDirectory();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("mlp")]
    [InlineData("conv")]
    public void Export_writes_encoder_decoder_and_readme(string arch)
    {
        var data = CliHarness.RequireFashionMnist();
        var model = Path.Combine(_dir, $"{arch}.vae");
        var (trained, _, trainError) = CliHarness.Run("train", "--data", data, "--arch", arch, "--epochs", "1", "--limit", "300", "--test-limit", "100", "--threads", "2", "--out", model);
        Assert.True(trained == 0, trainError);

        var output = Path.Combine(_dir, "out", arch);
        var (code, stdout, stderr) = CliHarness.Run("export", "onnx", "--model", model, "--out", output);
        Assert.True(code == 0, stderr);
        Assert.Contains("opset 17", stdout);

        var expected = VaeOnnxExporter.Export(ModelFile.Load(model), arch);
        Assert.Equal(expected.Encoder, File.ReadAllBytes(Path.Combine(output, "encoder.onnx")));
        Assert.Equal(expected.Decoder, File.ReadAllBytes(Path.Combine(output, "decoder.onnx")));
        var readme = File.ReadAllText(Path.Combine(output, "README.txt"));
        var latent = arch == "mlp" ? VaeConfig.MlpPreset().Latent : VaeConfig.ConvPreset().Latent;
        Assert.Contains("float32 (batch, 1, 28, 28), NCHW", readme);
        Assert.Contains($"(batch, {latent})", readme);
        Assert.Contains("values in [0, 1]", readme);
        Assert.Contains("pixels", readme);
    }

    [Fact]
    public void A_conditional_model_exports_with_a_class_input()
    {
        var data = CliHarness.RequireFashionMnist();
        var model = Path.Combine(_dir, "cvae.vae");
        var (trained, _, trainError) = CliHarness.Run("train", "--data", data, "--conditional", "--epochs", "1", "--limit", "300", "--test-limit", "100", "--threads", "2", "--out", model);
        Assert.True(trained == 0, trainError);
        var output = Path.Combine(_dir, "out", "cvae");
        var (code, stdout, stderr) = CliHarness.Run("export", "onnx", "--model", model, "--out", output);
        Assert.True(code == 0, stderr);
        Assert.Contains("class input (0..9)", stdout);
        Assert.Contains("class         int64 (batch): the class of each image, an index in 0..9", File.ReadAllText(Path.Combine(output, "README.txt")));
        Assert.Equal(VaeOnnxExporter.Export(ModelFile.Load(model), "cvae").Decoder, File.ReadAllBytes(Path.Combine(output, "decoder.onnx")));
    }

    [Fact]
    public void A_model_the_export_cannot_represent_is_refused_naming_the_option()
    {
        var model = Path.Combine(_dir, "future.vae");
        using (var stream = new MemoryStream())
        {
            ModelFile.Save(stream, new Vae(VaeConfig.MlpPreset(), 1));
            File.WriteAllBytes(model, ModelFileConfigEdit.WithEntry(stream.ToArray(), "class_embedding", "16"));
        }
        var output = Path.Combine(_dir, "refused");
        var (code, _, stderr) = CliHarness.Run("export", "onnx", "--model", model, "--out", output);
        Assert.Equal(1, code);
        Assert.Contains("vae export onnx: the model file's config has the option 'class_embedding'", stderr);
        Assert.False(Directory.Exists(output), "nothing is written for a refused model");
    }

    [Fact]
    public void Out_must_not_be_a_file()
    {
        var file = Path.Combine(_dir, "taken");
        File.WriteAllText(file, "");
        var (code, _, stderr) = CliHarness.Run("export", "onnx", "--model", "m.vae", "--out", file);
        Assert.Equal(2, code);
        Assert.Contains("is a file; give a directory", stderr);
    }
}
