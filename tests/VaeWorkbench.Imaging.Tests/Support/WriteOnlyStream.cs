namespace VaeWorkbench.Imaging.Tests.Support;

/// <summary>Stands in for an HTTP response body: write-only, no Position, no Seek. What is written lands in <see cref="Inner"/>.</summary>
internal sealed class WriteOnlyStream : Stream
{
    public MemoryStream Inner { get; } = new();
    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => Inner.Write(buffer, offset, count);
}
