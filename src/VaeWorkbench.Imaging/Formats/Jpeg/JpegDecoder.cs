namespace VaeWorkbench.Imaging.Formats.Jpeg;

/// <summary>What a JPEG header declares, read without decoding any scan.</summary>
/// <param name="Orientation">EXIF orientation 1..8 (1 when absent); <see cref="JpegDecoder.Decode"/> applies it.</param>
public readonly record struct JpegInfo(int Width, int Height, int Components, bool Progressive, int Orientation);

/// <summary>
/// Decodes baseline and progressive Huffman-coded 8-bit JPEG (JFIF/Adobe/EXIF), grey or YCbCr/RGB, to 8-bit grey
/// (1 channel) or RGB (3 channels), matching libjpeg-turbo's djpeg defaults (islow IDCT, fancy upsampling) and
/// applying the EXIF orientation. Every problem with the input is reported as <see cref="InvalidImageException"/>.
/// </summary>
public static class JpegDecoder
{
    public static Image Decode(ReadOnlySpan<byte> data, DecodeLimits? limits = null)
    {
        var core = new JpegDecoderCore(CheckedLimits(data, limits));
        try
        {
            core.Read(data, headerOnly: false);
            var frame = core.Frame ?? throw new InvalidImageException("JPEG has no SOF frame header");
            var image = JpegPixelWriter.Write(frame, ColorSpaceOf(core, frame));
            return JpegOrientation.Apply(image, core.Orientation);
        }
        finally
        {
            core.Frame?.Dispose();
        }
    }

    /// <summary>Reads the header up to the first scan. Width and height are as stored, before EXIF orientation.</summary>
    public static JpegInfo Identify(ReadOnlySpan<byte> data, DecodeLimits? limits = null)
    {
        var core = new JpegDecoderCore(CheckedLimits(data, limits));
        core.Read(data, headerOnly: true);   // stops before the first scan, so nothing needs freeing
        var frame = core.Frame ?? throw new InvalidImageException("JPEG has no SOF frame header");
        return new JpegInfo(frame.Width, frame.Height, frame.Components.Length, frame.Progressive, core.Orientation);
    }

    private static DecodeLimits CheckedLimits(ReadOnlySpan<byte> data, DecodeLimits? limits)
    {
        limits ??= DecodeLimits.Default;
        limits.CheckFileSize("JPEG", data.Length);
        return limits;
    }

    /// <summary>libjpeg's rule: JFIF means YCbCr; otherwise Adobe's transform decides; otherwise component ids 'R','G','B' mean RGB.</summary>
    private static JpegColorSpace ColorSpaceOf(JpegDecoderCore core, JpegFrame frame)
    {
        if (frame.Components.Length == 1) return JpegColorSpace.Grey;
        if (core.SawJfif) return JpegColorSpace.YCbCr;
        if (core.AdobeTransform >= 0) return core.AdobeTransform == 0 ? JpegColorSpace.Rgb : JpegColorSpace.YCbCr;
        var c = frame.Components;
        return c[0].Id == 'R' && c[1].Id == 'G' && c[2].Id == 'B' ? JpegColorSpace.Rgb : JpegColorSpace.YCbCr;
    }
}
