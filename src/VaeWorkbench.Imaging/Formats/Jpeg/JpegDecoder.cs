namespace VaeWorkbench.Imaging.Formats.Jpeg;

/// <summary>Decodes baseline and progressive JPEG (JFIF/Adobe/EXIF) to 8-bit grey or RGB.</summary>
public static class JpegDecoder
{
    public static Image Decode(ReadOnlySpan<byte> data, DecodeLimits? limits = null) =>
        throw new InvalidImageException("JPEG decoding is not available in this build yet");
}
