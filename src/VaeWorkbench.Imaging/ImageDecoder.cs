using VaeWorkbench.Imaging.Formats;
using VaeWorkbench.Imaging.Formats.Bmp;
using VaeWorkbench.Imaging.Formats.Gif;
using VaeWorkbench.Imaging.Formats.Jpeg;
using VaeWorkbench.Imaging.Formats.Png;
using VaeWorkbench.Imaging.Formats.Pnm;
using VaeWorkbench.Imaging.Formats.Webp;

namespace VaeWorkbench.Imaging;

/// <summary>
/// The one entry point for decoding an image of any supported format. The format is always detected from the
/// content (magic bytes), never from a file name; every failure is an <see cref="InvalidImageException"/>.
/// </summary>
public static class ImageDecoder
{
    /// <summary>Enough leading bytes for <see cref="DetectFormat"/>.</summary>
    public const int SignatureLength = 12;

    public static ImageFormat DetectFormat(ReadOnlySpan<byte> data)
    {
        if (data.Length >= 8 && data[..8].SequenceEqual(PngChunks.Signature)) return ImageFormat.Png;
        if (data.Length >= 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF) return ImageFormat.Jpeg;
        if (GifDecoder.LooksLikeGif(data)) return ImageFormat.Gif;
        if (WebpDecoder.LooksLikeWebp(data)) return ImageFormat.Webp;
        if (data.Length >= 2 && data[0] == 'B' && data[1] == 'M') return ImageFormat.Bmp;
        if (PnmHeader.LooksLikePnm(data)) return ImageFormat.Pnm;
        if (IdxReader.LooksLikeIdx(data)) return ImageFormat.Idx;
        return ImageFormat.Unknown;
    }

    public static Image Decode(ReadOnlySpan<byte> data, DecodeLimits? limits = null)
    {
        limits ??= DecodeLimits.Default;
        return DetectFormat(data) switch
        {
            ImageFormat.Png => PngDecoder.Decode(data, limits),
            ImageFormat.Jpeg => DecodeJpeg(data, limits),
            ImageFormat.Gif => GifDecoder.Decode(data, limits),
            ImageFormat.Bmp => BmpDecoder.Decode(data, limits),
            ImageFormat.Pnm => PnmDecoder.Decode(data, limits),
            ImageFormat.Webp => WebpDecoder.Decode(data, limits),
            ImageFormat.Idx => throw new InvalidImageException("IDX is a dataset of many images, not one image; read it with IdxReader or as an IDX dataset"),
            _ => throw Unknown(data),
        };
    }

    /// <summary>Reads the stream (at most <see cref="DecodeLimits.MaxFileBytes"/>) and decodes it.</summary>
    public static Image Decode(Stream stream, DecodeLimits? limits = null)
    {
        limits ??= DecodeLimits.Default;
        return Decode(ReadAllBounded(stream, limits), limits);
    }

    /// <summary>Reads only the header: format, size and the channel count <see cref="Decode(ReadOnlySpan{byte}, DecodeLimits?)"/> would produce.</summary>
    public static ImageInfo Identify(ReadOnlySpan<byte> data, DecodeLimits? limits = null)
    {
        limits ??= DecodeLimits.Default;
        return DetectFormat(data) switch
        {
            ImageFormat.Png => PngDecoder.Identify(data, limits),
            ImageFormat.Jpeg => IdentifyJpeg(data, limits),
            ImageFormat.Gif => GifDecoder.Identify(data, limits),
            ImageFormat.Bmp => BmpDecoder.Identify(data, limits),
            ImageFormat.Pnm => PnmDecoder.Identify(data, limits),
            ImageFormat.Webp => WebpDecoder.Identify(data, limits),
            ImageFormat.Idx => IdentifyIdx(data, limits),
            _ => throw Unknown(data),
        };
    }

    /// <summary>Reads up to 64 KiB of the stream, enough for every header this library parses.</summary>
    public static ImageInfo Identify(Stream stream, DecodeLimits? limits = null)
    {
        var head = new byte[64 * 1024];
        var n = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        return Identify(head.AsSpan(0, n), limits);
    }

    /// <summary>Reads a whole stream into memory, refusing more than <see cref="DecodeLimits.MaxFileBytes"/>.</summary>
    public static byte[] ReadAllBounded(Stream stream, DecodeLimits limits)
    {
        if (stream.CanSeek) limits.CheckFileSize("Image", stream.Length - stream.Position);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int n;
        while ((n = stream.Read(chunk)) > 0)
        {
            buffer.Write(chunk, 0, n);
            limits.CheckFileSize("Image", buffer.Length);
        }
        return buffer.ToArray();
    }

    private static Image DecodeJpeg(ReadOnlySpan<byte> data, DecodeLimits limits)
    {
        limits.CheckFileSize("JPEG", data.Length);
        return JpegDecoder.Decode(data, limits);
    }

    private static ImageInfo IdentifyJpeg(ReadOnlySpan<byte> data, DecodeLimits limits)
    {
        var info = JpegDecoder.Identify(data, limits);
        // EXIF orientations 5 to 8 swap the axes, and Decode applies them, so Identify reports the decoded shape.
        var transposed = info.Orientation >= 5;
        return new ImageInfo(ImageFormat.Jpeg, transposed ? info.Height : info.Width, transposed ? info.Width : info.Height, info.Components == 1 ? 1 : 3);
    }

    private static ImageInfo IdentifyIdx(ReadOnlySpan<byte> data, DecodeLimits limits)
    {
        if (data.Length < 16 || data[3] != 3) throw new InvalidImageException("IDX file is not an image file (needs 3 dimensions and a 16-byte header)");
        var rows = (long)System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(data[8..]);
        var columns = (long)System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(data[12..]);
        limits.CheckDimensions("IDX", columns, rows, "image header");
        return new ImageInfo(ImageFormat.Idx, (int)columns, (int)rows, 1);
    }

    /// <summary>The formats <see cref="Decode(ReadOnlySpan{byte}, DecodeLimits?)"/> accepts, for messages.</summary>
    public const string Supported = "supported are PNG, JPEG, GIF, BMP, PNM and WebP";

    private static InvalidImageException Unknown(ReadOnlySpan<byte> data)
    {
        if (data.Length == 0) return new InvalidImageException("File is empty, so it is no image");
        if (data.Length >= 2 && data[0] == 0x1F && data[1] == 0x8B) return new InvalidImageException("File is gzip-compressed data, not an image");
        if (data.Length >= 4 && data[0] == 'P' && data[1] == 'K') return new InvalidImageException("File is a ZIP archive, not an image");
        if (IsoMediaBrands.NotAccepted(data) is { } format)
            return new InvalidImageException($"{format} images are not accepted: this server's WebP decoder (SkiaSharp) has no {format} codec on Linux; convert them to PNG, JPEG or WebP");
        var head = Convert.ToHexString(data[..Math.Min(8, data.Length)]);
        return new InvalidImageException($"Unknown image format: the first bytes are {head}; {Supported}");
    }
}
