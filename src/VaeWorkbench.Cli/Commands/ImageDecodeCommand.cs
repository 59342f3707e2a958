using VaeWorkbench.Imaging;
using VaeWorkbench.Imaging.Formats.Png;
using VaeWorkbench.Imaging.Formats.Pnm;
using VaeWorkbench.Imaging.Transforms;

namespace VaeWorkbench.Cli.Commands;

/// <summary><c>vae image decode in out.png|out.ppm|out.pam</c>: decodes any supported image (format from content) and writes it.</summary>
public sealed class ImageDecodeCommand : ICliCommand
{
    public string Name => "image decode";

    public string Summary => "decode any supported image to PNG (RGBA), PPM (RGB) or PAM (native precision)";

    public string Usage => """
        usage: vae image decode <input> <output.png|output.ppm|output.pam> [--background white|black]
          The input format (PNG, JPEG, GIF, BMP, PNM) is detected from its content.
          .png  8-bit RGBA PNG
          .ppm  8-bit RGB PPM; transparent pixels are composited over --background (default white)
          .pam  PAM keeping the decoded channels; 16-bit PNG and PNM keep their full precision
        """;

    public int Run(CliArguments args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var background = args.Choice("background", Rgb.White, new Dictionary<string, Rgb> { ["white"] = Rgb.White, ["black"] = Rgb.Black });
        args.EnsureAllConsumed();
        if (args.Positionals.Count != 2) throw new UsageException("needs an input and an output path");
        var (input, output) = (args.Positionals[0], args.Positionals[1]);
        var extension = Path.GetExtension(output).ToLowerInvariant();
        if (extension is not (".png" or ".ppm" or ".pam"))
            throw new UsageException($"output must end in .png, .ppm or .pam (got '{extension}')");
        try
        {
            var data = File.ReadAllBytes(input);
            var bytes = extension switch
            {
                ".png" => PngEncoder.Encode(ColorConversion.ToRgba(ImageDecoder.Decode(data))),
                ".ppm" => PnmEncoder.EncodePnm(ColorConversion.ToRgb(ImageDecoder.Decode(data), background)),
                _ => PnmEncoder.EncodePam(DecodeSamples(data)),
            };
            File.WriteAllBytes(output, bytes);
            return 0;
        }
        catch (InvalidImageException e)
        {
            stderr.WriteLine($"vae image decode: {input}: {e.Message}");
            return 1;
        }
    }

    /// <summary>PNG and PNM keep their native precision; the other formats are 8-bit anyway.</summary>
    private static SampleImage DecodeSamples(byte[] data) => ImageDecoder.DetectFormat(data) switch
    {
        ImageFormat.Png => PngDecoder.DecodeSamples(data),
        ImageFormat.Pnm => PnmDecoder.DecodeSamples(data),
        _ => PnmEncoder.ToSamples(ImageDecoder.Decode(data)),
    };
}
