namespace VaeWorkbench.Imaging;

/// <summary>What a header says about an image: its format, size and the channels its decode will have.</summary>
public sealed record ImageInfo(ImageFormat Format, int Width, int Height, int Channels);
