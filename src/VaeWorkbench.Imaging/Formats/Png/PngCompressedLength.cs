using System.IO.Compression;
using VaeWorkbench.Imaging.Transforms;

namespace VaeWorkbench.Imaging.Formats.Png;

/// <summary>
/// The lossless compressed length of an image, for the complexity-corrected anomaly score (Serrà et al., ICLR 2020,
/// used PNG among their compressors). The image is quantised to 8 bits and written by our <see cref="PngEncoder"/>
/// at <see cref="CompressionLevel.SmallestSize"/> (per-row adaptive filters, then DEFLATE); the length is the whole
/// file. The fixed chunk overhead (signature, IHDR, IEND, one IDAT header, the zlib header and checksum) is the same
/// for every image of one size, so it shifts every score equally and leaves rankings unchanged.
/// </summary>
public static class PngCompressedLength
{
    public static int Bytes(ReadOnlySpan<float> chw, int channels, int height, int width) =>
        PngEncoder.Encode(TensorConversion.FromChw(chw, channels, height, width), CompressionLevel.SmallestSize).Length;

    /// <summary>L(x) = 8·ln 2·bytes: the code length in nats.</summary>
    public static double Nats(ReadOnlySpan<float> chw, int channels, int height, int width) =>
        8 * Math.Log(2) * Bytes(chw, channels, height, width);
}
