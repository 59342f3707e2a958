namespace VaeWorkbench.Imaging.Formats;

/// <summary>
/// Wraps a decompressing stream and stops it once it has produced more than a byte budget,
/// so a bomb is caught by counted output rather than by what a header claims.
/// </summary>
internal sealed class CountingReadStream(Stream inner, long maxBytes, string what) : ReadOnlyStream(inner)
{
    public long BytesRead { get; private set; }

    public override int Read(Span<byte> buffer)
    {
        var n = Inner.Read(buffer);
        BytesRead += n;
        if (BytesRead > maxBytes)
            throw new InvalidImageException($"{what} decompresses to more than {maxBytes} bytes");
        return n;
    }
}
