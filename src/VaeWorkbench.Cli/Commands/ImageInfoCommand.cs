using System.Text.Json;
using VaeWorkbench.Imaging;

namespace VaeWorkbench.Cli.Commands;

/// <summary><c>vae image info in</c>: prints format, width, height and channels as JSON, reading only the header.</summary>
public sealed class ImageInfoCommand : ICliCommand
{
    public string Name => "image info";

    public string Summary => "print an image's format, size and channels as JSON (header only)";

    public string Usage => """
        usage: vae image info <input>
          Prints {"format":"png","width":W,"height":H,"channels":C}; the format is detected from the content.
        """;

    public int Run(CliArguments args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        args.EnsureAllConsumed();
        if (args.Positionals.Count != 1) throw new UsageException("needs exactly one input path");
        var input = args.Positionals[0];
        try
        {
            using var stream = File.OpenRead(input);
            var info = ImageDecoder.Identify(stream);
            stdout.WriteLine(JsonSerializer.Serialize(new
            {
                format = info.Format.ToString().ToLowerInvariant(),
                width = info.Width,
                height = info.Height,
                channels = info.Channels,
            }));
            return 0;
        }
        catch (InvalidImageException e)
        {
            stderr.WriteLine($"vae image info: {input}: {e.Message}");
            return 1;
        }
    }
}
