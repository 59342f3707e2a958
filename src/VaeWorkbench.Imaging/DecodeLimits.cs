namespace VaeWorkbench.Imaging;

/// <summary>
/// Safety limits applied to every decode. Dimensions are checked against these from the header,
/// before any allocation that depends on them.
/// </summary>
public sealed record DecodeLimits
{
    public static DecodeLimits Default { get; } = new();

    /// <summary>Largest encoded file accepted, in bytes.</summary>
    public long MaxFileBytes { get; init; } = 64L * 1024 * 1024;

    public int MaxWidth { get; init; } = 16384;

    public int MaxHeight { get; init; } = 16384;

    /// <summary>Largest width × height accepted.</summary>
    public long MaxPixels { get; init; } = 64L * 1024 * 1024;

    /// <summary>Largest number of bytes any decompression (zlib, gzip) may produce.</summary>
    public long MaxDecompressedBytes { get; init; } = 512L * 1024 * 1024;

    /// <summary>Throws when a header declares dimensions outside these limits.</summary>
    public void CheckDimensions(string format, long width, long height, string what = "header")
    {
        if (width <= 0 || height <= 0)
            throw new InvalidImageException($"{format} {what} declares {width}x{height}, which is empty");
        if (width > MaxWidth || height > MaxHeight)
            throw new InvalidImageException($"{format} {what} declares {width}x{height}, limit is {MaxWidth}x{MaxHeight}");
        if (width * height > MaxPixels)
            throw new InvalidImageException($"{format} {what} declares {width}x{height} = {width * height} pixels, limit is {MaxPixels}");
    }

    /// <summary>Throws when an encoded input is larger than <see cref="MaxFileBytes"/>.</summary>
    public void CheckFileSize(string format, long length)
    {
        if (length > MaxFileBytes)
            throw new InvalidImageException($"{format} file is {length} bytes, limit is {MaxFileBytes}");
    }
}
