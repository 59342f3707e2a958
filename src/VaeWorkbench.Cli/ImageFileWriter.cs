namespace VaeWorkbench.Cli;

/// <summary>
/// Writes one generated image. Binary PGM (P5) for grey, PPM (P6) for colour, until the PNG encoder lands; then this
/// is the one function to switch. Pixels are (C, H, W) floats in [0, 1].
/// </summary>
public static class ImageFileWriter
{
    public static string FileName(int index, int channels) => $"sample_{index:D5}{(channels == 1 ? ".pgm" : ".ppm")}";

    public static void Write(string path, ReadOnlySpan<float> pixels, int channels, int height, int width)
    {
        if (channels is not (1 or 3)) throw new ArgumentException($"cannot write {channels}-channel images");
        var header = System.Text.Encoding.ASCII.GetBytes($"{(channels == 1 ? "P5" : "P6")}\n{width} {height}\n255\n");
        var body = new byte[channels * height * width];
        var plane = height * width;
        for (var p = 0; p < plane; p++)
        for (var c = 0; c < channels; c++)
            body[p * channels + c] = (byte)Math.Clamp(MathF.Round(pixels[c * plane + p] * 255f), 0f, 255f);
        using var stream = File.Create(path);
        stream.Write(header);
        stream.Write(body);
    }
}
