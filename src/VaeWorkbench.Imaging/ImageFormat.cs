namespace VaeWorkbench.Imaging;

/// <summary>The formats recognised by content. Never inferred from a file name.</summary>
public enum ImageFormat
{
    Unknown,
    Png,
    Jpeg,
    Bmp,
    Pnm,
    Gif,
    Idx,
    /// <summary>Decoded by SkiaSharp after our own header checks (the one format we do not decode ourselves).</summary>
    Webp,
}
