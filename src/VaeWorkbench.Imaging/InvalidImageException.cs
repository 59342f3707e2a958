namespace VaeWorkbench.Imaging;

/// <summary>
/// The one exception every decoder and dataset reader throws for bad input. The message names the format,
/// what was wrong and where, for example "PNG IDAT CRC mismatch at offset 1234".
/// </summary>
public sealed class InvalidImageException : Exception
{
    public InvalidImageException(string message) : base(message) { }

    public InvalidImageException(string message, Exception inner) : base(message, inner) { }
}
