using System.Text;

namespace VaeWorkbench.Imaging.Formats.Pnm;

/// <summary>Writes binary Netpbm: PGM/PPM (P5/P6) for 8-bit grey/RGB, and PAM (P7) for any channels and precision.</summary>
public static class PnmEncoder
{
    /// <summary>P5 for grey, P6 for RGB. Images with alpha must be composited first (see ColorConversion).</summary>
    public static byte[] EncodePnm(Image image)
    {
        if (image.Channels is not (1 or 3)) throw new ArgumentException($"PGM/PPM holds 1 or 3 channels, not {image.Channels}; composite the alpha first", nameof(image));
        var header = Encoding.ASCII.GetBytes($"P{(image.Channels == 1 ? 5 : 6)}\n{image.Width} {image.Height}\n255\n");
        return [.. header, .. image.Pixels];
    }

    /// <summary>P7 with TUPLTYPE GRAYSCALE, GRAYSCALE_ALPHA, RGB or RGB_ALPHA; two bytes per sample when MaxValue exceeds 255.</summary>
    public static byte[] EncodePam(SampleImage image)
    {
        var tuple = image.Channels switch { 1 => "GRAYSCALE", 2 => "GRAYSCALE_ALPHA", 3 => "RGB", _ => "RGB_ALPHA" };
        var header = Encoding.ASCII.GetBytes($"P7\nWIDTH {image.Width}\nHEIGHT {image.Height}\nDEPTH {image.Channels}\nMAXVAL {image.MaxValue}\nTUPLTYPE {tuple}\nENDHDR\n");
        var wide = image.MaxValue > 255;
        var output = new byte[header.Length + image.Samples.Length * (wide ? 2 : 1)];
        header.CopyTo(output, 0);
        var at = header.Length;
        foreach (var s in image.Samples)
        {
            if (wide) output[at++] = (byte)(s >> 8);
            output[at++] = (byte)s;
        }
        return output;
    }

    public static SampleImage ToSamples(Image image)
    {
        var samples = new ushort[image.Pixels.Length];
        for (var i = 0; i < samples.Length; i++) samples[i] = image.Pixels[i];
        return new SampleImage(image.Width, image.Height, image.Channels, 255, samples);
    }
}
