using System.Text.Json;
using VaeWorkbench.Imaging;
using VaeWorkbench.Imaging.Formats.Png;
using VaeWorkbench.Imaging.Formats.Pnm;

namespace VaeWorkbench.Cli.Tests;

public sealed class ImageCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"vae-cli-{Guid.NewGuid():N}")).FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static (int Code, string Out, string Err) Run(params string[] args) => CliHarness.Run(args);

    private string Write(string name, byte[] data)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, data);
        return path;
    }

    private static Image GreyAlpha() => new(2, 1, 2, [10, 255, 200, 0]);

    [Fact]
    public void Decode_writes_rgba_png()
    {
        var input = Write("in.png", PngEncoder.Encode(GreyAlpha()));
        var output = Path.Combine(_dir, "out.png");

        var (code, _, err) = Run("image", "decode", input, output);

        Assert.Equal(0, code);
        Assert.Equal("", err);
        var written = PngDecoder.Decode(File.ReadAllBytes(output));
        Assert.Equal(4, written.Channels);
        Assert.Equal(new byte[] { 10, 10, 10, 255, 200, 200, 200, 0 }, written.Pixels);
    }

    [Fact]
    public void Decode_writes_rgb_ppm_composited_over_the_background()
    {
        var input = Write("in.png", PngEncoder.Encode(GreyAlpha()));
        var white = Path.Combine(_dir, "white.ppm");
        var black = Path.Combine(_dir, "black.ppm");

        Assert.Equal(0, Run("image", "decode", input, white).Code);
        Assert.Equal(0, Run("image", "decode", input, black, "--background", "black").Code);

        Assert.Equal(new byte[] { 10, 10, 10, 255, 255, 255 }, PnmDecoder.Decode(File.ReadAllBytes(white)).Pixels);
        Assert.Equal(new byte[] { 10, 10, 10, 0, 0, 0 }, PnmDecoder.Decode(File.ReadAllBytes(black)).Pixels);
    }

    [Fact]
    public void Decode_to_pam_keeps_16_bit_precision()
    {
        var input = Write("in.pgm", [.. "P5 2 1 65535\n"u8.ToArray(), 0x12, 0x34, 0xAB, 0xCD]);
        var output = Path.Combine(_dir, "out.pam");

        Assert.Equal(0, Run("image", "decode", input, output).Code);

        var pam = PnmDecoder.DecodeSamples(File.ReadAllBytes(output));
        Assert.Equal(new ushort[] { 0x1234, 0xABCD }, pam.Samples);
    }

    [Fact]
    public void Info_prints_json_from_the_header()
    {
        var input = Write("picture.jpg", PngEncoder.Encode(new Image(5, 3, 3, new byte[45]))); // the name lies; content decides

        var (code, stdout, _) = Run("image", "info", input);

        Assert.Equal(0, code);
        using var json = JsonDocument.Parse(stdout);
        Assert.Equal("png", json.RootElement.GetProperty("format").GetString());
        Assert.Equal(5, json.RootElement.GetProperty("width").GetInt32());
        Assert.Equal(3, json.RootElement.GetProperty("height").GetInt32());
        Assert.Equal(3, json.RootElement.GetProperty("channels").GetInt32());
    }

    [Fact]
    public void Webp_decodes_and_identifies_and_avif_is_refused_by_name()
    {
        // A lossless WebP written by SkiaSharp's encoder: 3x2 RGBA with varying alpha.
        byte[] rgba = [255, 0, 0, 255, 0, 255, 0, 128, 0, 0, 255, 1, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120];
        var info = new SkiaSharp.SKImageInfo(3, 2, SkiaSharp.SKColorType.Rgba8888, SkiaSharp.SKAlphaType.Unpremul);
        var handle = System.Runtime.InteropServices.GCHandle.Alloc(rgba, System.Runtime.InteropServices.GCHandleType.Pinned);
        byte[] webp;
        try
        {
            using var pixmap = new SkiaSharp.SKPixmap(info, handle.AddrOfPinnedObject(), info.RowBytes);
            using var data = pixmap.Encode(new SkiaSharp.SKWebpEncoderOptions(SkiaSharp.SKWebpEncoderCompression.Lossless, 100));
            webp = data!.ToArray();
        }
        finally
        {
            handle.Free();
        }
        var input = Write("photo.png", webp); // the name lies; content decides
        var output = Path.Combine(_dir, "out.png");

        Assert.Equal(0, Run("image", "decode", input, output).Code);
        Assert.Equal(rgba, PngDecoder.Decode(File.ReadAllBytes(output)).Pixels);
        var (code, stdout, _) = Run("image", "info", input);
        Assert.Equal(0, code);
        using var json = JsonDocument.Parse(stdout);
        Assert.Equal(("webp", 3, 2, 4), (json.RootElement.GetProperty("format").GetString(), json.RootElement.GetProperty("width").GetInt32(),
            json.RootElement.GetProperty("height").GetInt32(), json.RootElement.GetProperty("channels").GetInt32()));

        var avif = Write("photo.avif", [0, 0, 0, 0x1C, .. "ftypavif"u8.ToArray(), 0, 0, 0, 0, .. "avifmif1miaf"u8.ToArray(), 0, 0, 0, 8, .. "meta"u8.ToArray()]);
        var refused = Run("image", "info", avif);
        Assert.Equal(1, refused.Code);
        Assert.Contains("AVIF images are not accepted", refused.Err);
    }

    [Fact]
    public void Bad_images_give_one_clear_line_and_exit_code_1()
    {
        var input = Write("bad.png", [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0]);

        var decode = Run("image", "decode", input, Path.Combine(_dir, "x.png"));
        var info = Run("image", "info", Write("text.txt", "hello"u8.ToArray()));

        Assert.Equal(1, decode.Code);
        Assert.StartsWith($"vae image decode: {input}: PNG file ends at offset 10", decode.Err);
        Assert.Equal(1, info.Code);
        Assert.Contains("Unknown image format", info.Err);
        Assert.Equal(1, Run("image", "info", Path.Combine(_dir, "missing.png")).Code);
    }

    [Fact]
    public void Usage_errors_exit_2()
    {
        Assert.Equal(2, Run("image", "decode", "only-one-arg").Code);
        Assert.Equal(2, Run("image", "decode", "a.png", "b.gif").Code);
        Assert.Equal(2, Run("image", "info", "a", "--typo").Code);
    }

    [Fact]
    public void Fuzz_runs_over_seed_files_and_reports_json()
    {
        Write("a.png", PngEncoder.Encode(new Image(6, 5, 3, Enumerable.Range(0, 90).Select(i => (byte)i).ToArray())));
        Write("b.ppm", PnmEncoder.EncodePnm(new Image(3, 3, 1, new byte[9])));
        Write("not-an-image.txt", "x"u8.ToArray());

        var (code, stdout, _) = Run("image", "fuzz", _dir, "--cases", "200", "--seed", "3");

        Assert.Equal(0, code);
        using var json = JsonDocument.Parse(stdout);
        Assert.Equal(200, json.RootElement.GetProperty("cases").GetInt32());
        Assert.Equal(0, json.RootElement.GetProperty("failures").GetArrayLength());
        Assert.Equal(2, json.RootElement.GetProperty("seeds").EnumerateObject().Sum(p => p.Value.GetInt32()));
    }
}
