using System.Runtime.CompilerServices;
using System.Buffers.Binary;

namespace VaeWorkbench.Imaging.Formats.Zlib;

/// <summary>
/// Collects a DEFLATE bit stream, least significant bit first (RFC 1951 §3.1.1), into a growable buffer that is
/// reused across encodes. Huffman codes must be passed already bit-reversed.
/// </summary>
internal sealed class DeflateBitWriter
{
    private byte[] _buffer = new byte[4096];
    private int _length;
    private ulong _bits;
    private int _count;

    public ReadOnlySpan<byte> Written => _buffer.AsSpan(0, _length);

    public void Reset(int expectedBytes)
    {
        if (_buffer.Length < expectedBytes + 16) _buffer = new byte[expectedBytes + 16];
        _length = 0;
        _bits = 0;
        _count = 0;
    }

    /// <summary>Appends the low <paramref name="bitCount"/> (0 to 32) bits of <paramref name="value"/>; higher bits must be zero.</summary>
    public void WriteBits(uint value, int bitCount)
    {
        var sink = Borrow(4);
        sink.Write(value, bitCount);
        Return(sink);
    }

    /// <summary>
    /// Hands the pending bits and the buffer to a hot loop that keeps them in locals (<see cref="BitSink"/>), with room
    /// for at least <paramref name="maxBytes"/> more bytes; <see cref="Return"/> takes them back.
    /// </summary>
    public BitSink Borrow(int maxBytes)
    {
        EnsureRoom(maxBytes + 8);
        return new BitSink(_buffer, _length, _bits, _count);
    }

    public void Return(in BitSink sink) => (_length, _bits, _count) = (sink.Length, sink.Bits, sink.Count);

    /// <summary>Pads with zero bits to the next byte boundary and flushes every pending bit.</summary>
    public void AlignToByte()
    {
        EnsureRoom(8);
        while (_count > 0)
        {
            _buffer[_length++] = (byte)_bits;
            _bits >>= 8;
            _count = Math.Max(0, _count - 8);
        }
    }

    /// <summary>Appends whole bytes; only valid at a byte boundary (after <see cref="AlignToByte"/>).</summary>
    public void WriteBytes(ReadOnlySpan<byte> bytes)
    {
        if (_count != 0) throw new InvalidOperationException("raw bytes need a byte boundary");
        EnsureRoom(bytes.Length);
        bytes.CopyTo(_buffer.AsSpan(_length));
        _length += bytes.Length;
    }

    private void EnsureRoom(int bytes)
    {
        if (_length + bytes <= _buffer.Length) return;
        Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + bytes));
    }
}

/// <summary>
/// The bit writer's state in a struct a loop can keep in registers. Every write stores all pending bits as 8 bytes and
/// keeps the under-a-byte remainder, with no branch: the flush-every-32-bits test mispredicted often enough that this
/// took the deflate of a 28×28 image from 8.0–8.3 µs to 7.3–7.7 µs (bench generate-breakdown). The buffer must have
/// 8 bytes of room past the last byte written (see <see cref="DeflateBitWriter.Borrow"/>), which is not checked here.
/// </summary>
internal ref struct BitSink(byte[] buffer, int length, ulong bits, int count)
{
    private readonly Span<byte> _buffer = buffer;
    public int Length = length;
    public ulong Bits = bits;
    public int Count = count;

    /// <summary>Appends the low <paramref name="bitCount"/> (0 to 32) bits of <paramref name="value"/>; fewer than 8 stay pending.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Write(uint value, int bitCount)
    {
        Bits |= (ulong)value << Count;
        Count += bitCount;
        BinaryPrimitives.WriteUInt64LittleEndian(_buffer.Slice(Length, 8), Bits);
        var bytes = Count >> 3;
        Length += bytes;
        Bits >>= bytes << 3;
        Count &= 7;
    }
}
