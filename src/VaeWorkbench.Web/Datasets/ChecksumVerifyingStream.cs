using System.Security.Cryptography;

namespace VaeWorkbench.Web.Datasets;

/// <summary>
/// Reads a file forward while hashing it, and throws the given error on the read that reaches its end if the SHA-256
/// differs: a dataset's tensor is checked in the same single pass that loads it or cuts it into shards, so even a set
/// larger than memory is never read twice or trusted unchecked.
/// </summary>
internal sealed class ChecksumVerifyingStream(Stream inner, string expectedHexHash, Func<Exception> mismatch) : Stream
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly long _length = inner.Length;
    private long _read;

    public override int Read(Span<byte> buffer)
    {
        var n = inner.Read(buffer);
        _hash.AppendData(buffer[..n]);
        _read += n;
        if (n > 0 && _read == _length && !Convert.ToHexStringLower(_hash.GetHashAndReset()).Equals(expectedHexHash, StringComparison.Ordinal))
            throw mismatch();
        return n;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));
    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _read; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
            _hash.Dispose();
        }
        base.Dispose(disposing);
    }
}
