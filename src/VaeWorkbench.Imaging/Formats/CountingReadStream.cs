namespace VaeWorkbench.Imaging.Formats;

/// <summary>
/// Wraps a decompressing stream and stops it once it has produced more than a byte budget,
/// so a bomb is caught by counted output rather than by what a header claims.
/// </summary>
internal sealed class CountingReadStream(Stream inner, long maxBytes, string what) : Stream
{
    public long BytesRead { get; private set; }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var n = inner.Read(buffer);
        BytesRead += n;
        if (BytesRead > maxBytes)
            throw new InvalidImageException($"{what} decompresses to more than {maxBytes} bytes");
        return n;
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => BytesRead; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }
}
