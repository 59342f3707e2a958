using System.Runtime.InteropServices;
using SkiaSharp;

namespace VaeWorkbench.Imaging.Formats.Webp;

/// <summary>
/// Decodes WebP (lossy, lossless, with alpha; the first frame of an animation) through SkiaSharp, the one format whose
/// codec we do not own. <see cref="WebpHeader"/> checks the container and the size limits first: SkiaSharp is handed
/// the bytes only once the header has passed, so a file that declares a huge canvas never reaches its allocator.
/// The result is RGB, or RGBA when the header declares alpha, 8 bits per sample, unpremultiplied, with no colour management.
/// </summary>
public static class WebpDecoder
{
    public static bool LooksLikeWebp(ReadOnlySpan<byte> data) => WebpHeader.LooksLikeWebp(data);

    public static Image Decode(ReadOnlySpan<byte> data, DecodeLimits? limits = null)
    {
        limits ??= DecodeLimits.Default;
        limits.CheckFileSize("WebP", data.Length);
        var header = WebpHeader.Read(data, limits);
        var rgba = DecodeRgba(data, header);
        return header.HasAlpha ? new Image(header.Width, header.Height, 4, rgba) : new Image(header.Width, header.Height, 3, DropAlpha(rgba));
    }

    public static ImageInfo Identify(ReadOnlySpan<byte> data, DecodeLimits? limits = null)
    {
        var header = WebpHeader.Read(data, limits ?? DecodeLimits.Default, whole: false);
        return new ImageInfo(ImageFormat.Webp, header.Width, header.Height, header.HasAlpha ? 4 : 3);
    }

    /// <summary>The core: SkiaSharp decodes the first frame into an RGBA buffer of the size the header declared.</summary>
    private static byte[] DecodeRgba(ReadOnlySpan<byte> data, WebpHeader header)
    {
        using var encoded = SKData.CreateCopy(data);
        using var codec = SKCodec.Create(encoded)
            ?? throw new InvalidImageException("WebP file cannot be decoded: the codec found no valid WebP bitstream in it");
        if (codec.EncodedFormat != SKEncodedImageFormat.Webp)
            throw new InvalidImageException($"WebP file was read as {codec.EncodedFormat} by the codec");
        if (codec.Info.Width != header.Width || codec.Info.Height != header.Height)
            throw new InvalidImageException($"WebP header declares {header.Width}x{header.Height}, the codec found {codec.Info.Width}x{codec.Info.Height}");
        var info = new SKImageInfo(header.Width, header.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        var pixels = new byte[(long)header.Width * header.Height * 4];
        var handle = GCHandle.Alloc(pixels, GCHandleType.Pinned);
        SKCodecResult result;
        try
        {
            result = codec.GetPixels(info, handle.AddrOfPinnedObject(), info.RowBytes, new SKCodecOptions(0));
        }
        finally
        {
            handle.Free();
        }
        if (result != SKCodecResult.Success)
            throw new InvalidImageException($"WebP image data cannot be decoded: {Describe(result)}");
        return pixels;
    }

    private static string Describe(SKCodecResult result) => result switch
    {
        SKCodecResult.IncompleteInput => "the image data is truncated (incomplete input)",
        SKCodecResult.ErrorInInput => "the image data is damaged (error in input)",
        SKCodecResult.InvalidInput => "the image data is invalid",
        SKCodecResult.Unimplemented => "a feature it does not implement",
        _ => result.ToString(),
    };

    private static byte[] DropAlpha(byte[] rgba)
    {
        var rgb = new byte[rgba.Length / 4 * 3];
        for (int i = 0, j = 0; i < rgba.Length; i += 4, j += 3)
        {
            rgb[j] = rgba[i];
            rgb[j + 1] = rgba[i + 1];
            rgb[j + 2] = rgba[i + 2];
        }
        return rgb;
    }
}
