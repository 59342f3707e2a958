using VaeWorkbench.Engine;

namespace VaeWorkbench.Cli;

/// <summary>
/// A read-once stream of <paramref name="length"/> seeded random bytes, made as they are read: a benchmark's set of any
/// size goes into shards without ever being whole in memory.
/// </summary>
public sealed class RandomPixelStream(long length, ulong seed) : Stream
{
    private readonly Rng _rng = new(seed);
    private long _position;

    public override int Read(Span<byte> buffer)
    {
        var n = (int)Math.Min(buffer.Length, length - _position);
        for (var i = 0; i < n; i += 4)
        {
            var word = _rng.NextUInt64();
            for (var k = 0; k < 4 && i + k < n; k++) buffer[i + k] = (byte)(word >> (8 * k));
        }
        _position += n;
        return n;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));
    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => length;
    public override long Position { get => _position; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
