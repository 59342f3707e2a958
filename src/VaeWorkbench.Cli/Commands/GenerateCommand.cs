using VaeWorkbench.Engine.IO;

namespace VaeWorkbench.Cli.Commands;

/// <summary><c>vae generate</c>: decodes samples from the prior into image files.</summary>
public sealed class GenerateCommand : ICliCommand
{
    public string Name => "generate";
    public string Summary => "sample new images from a model's prior into a directory";
    public string Usage => """
        usage: vae generate --model <m.vae> --out <dir> [--count N] [--seed N] [--temperature F]
          --count        images to write (default 16)
          --temperature  scale of z ~ N(0, t²I) (default 1)
        """;

    public int Run(CliArguments args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var modelPath = args.Required("model");
        var output = args.Required("out");
        var count = args.Int("count", 16, 1, 100_000);
        var seed = (ulong)args.Int("seed", 1, 0);
        var temperature = (float)args.Double("temperature", 1, 0, 100);
        args.EnsureAllConsumed();

        var model = ModelFile.Load(modelPath).Model;
        Directory.CreateDirectory(output);
        var pixels = model.Sample(count, temperature, seed);
        var c = model.Config;
        for (var i = 0; i < count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var path = Path.Combine(output, ImageFileWriter.FileName(i, c.Channels));
            ImageFileWriter.Write(path, pixels.AsSpan(i * c.PixelCount, c.PixelCount), c.Channels, c.Height, c.Width);
        }
        stdout.WriteLine($"wrote {count} images to {output}");
        return 0;
    }
}
