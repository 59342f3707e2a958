namespace VaeWorkbench.Imaging.Formats.Png;

/// <summary>
/// Decodes PNG (all colour types, bit depths 1 to 16, Adam7) with CRC checks. Dimensions are validated from IHDR
/// before any pixel memory is allocated; the inflated size is known from the header and checked against the limits.
/// </summary>
public static class PngDecoder
{
    /// <summary>Decodes to 8 bits per sample; 16-bit samples are rounded as libpng's png_set_scale_16 does.</summary>
    public static Image Decode(ReadOnlySpan<byte> data, DecodeLimits? limits = null)
    {
        limits ??= DecodeLimits.Default;
        var chunks = ReadChunks(data, limits);
        var h = chunks.Header;
        var channels = PngScanlines.OutputChannels(chunks);
        var pixels = new byte[(long)h.Width * h.Height * channels];
        PngScanlines.Decode(chunks, limits, pixels, toEightBit: true);
        return new Image(h.Width, h.Height, channels, pixels);
    }

    /// <summary>Decodes keeping each sample's native precision (MaxValue 2^depth - 1, or 255 for palettes).</summary>
    public static SampleImage DecodeSamples(ReadOnlySpan<byte> data, DecodeLimits? limits = null)
    {
        limits ??= DecodeLimits.Default;
        var chunks = ReadChunks(data, limits);
        var h = chunks.Header;
        var channels = PngScanlines.OutputChannels(chunks);
        var samples = new ushort[(long)h.Width * h.Height * channels];
        PngScanlines.Decode(chunks, limits, samples, toEightBit: false);
        return new SampleImage(h.Width, h.Height, channels, PngScanlines.NativeMax(h), samples);
    }

    private static PngChunks ReadChunks(ReadOnlySpan<byte> data, DecodeLimits limits)
    {
        limits.CheckFileSize("PNG", data.Length);
        var chunks = PngChunks.Read(data, limits, headerOnly: false);
        PngScanlines.CheckDataSize(chunks, limits);
        return chunks;
    }

    /// <summary>Reads only the chunks before the image data and reports what <see cref="Decode"/> would produce.</summary>
    public static ImageInfo Identify(ReadOnlySpan<byte> data, DecodeLimits? limits = null)
    {
        limits ??= DecodeLimits.Default;
        var chunks = PngChunks.Read(data, limits, headerOnly: true);
        return new ImageInfo(ImageFormat.Png, chunks.Header.Width, chunks.Header.Height, PngScanlines.OutputChannels(chunks));
    }
}
