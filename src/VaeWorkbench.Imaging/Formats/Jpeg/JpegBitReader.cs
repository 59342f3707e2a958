using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace VaeWorkbench.Imaging.Formats.Jpeg;

/// <summary>
/// Reads entropy-coded bits, MSB first, removing the 0x00 stuffed after every 0xFF data byte. It stops at the
/// first marker (or the end of the data) and from there supplies zero bits, counting them, so that a decoder may
/// peek ahead freely; <see cref="Overrun"/> tells whether any of those padding bits were actually consumed,
/// which means the scan's data ended early.
/// </summary>
internal ref struct JpegBitReader
{
    private readonly ReadOnlySpan<byte> _data;
    private int _position;
    private ulong _bits;     // unread bits, aligned to the most significant end
    private int _count;      // number of valid bits in _bits, padding included
    private int _padding;    // zero bits appended after a marker or the end of data
    private bool _stopped;   // a marker or the end of data was reached

    public JpegBitReader(ReadOnlySpan<byte> data, int start)
    {
        _data = data;
        _position = start;
    }

    /// <summary>Offset of the next byte not yet loaded into the bit buffer.</summary>
    public readonly int Position => _position;

    /// <summary>True when the decoder consumed bits that the data does not contain.</summary>
    public readonly bool Overrun => _count < _padding;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int DecodeHuffman(JpegHuffmanTable table)
    {
        if (_count < 16) Fill();
        int entry = table.Lookup[(int)(_bits >> (64 - JpegHuffmanTable.LookupBits))];
        if (entry != 0)
        {
            int length = entry >> 8;
            _bits <<= length;
            _count -= length;
            return entry & 0xFF;
        }

        return DecodeLongCode(table);
    }

    /// <summary>
    /// Decodes an AC run/size code and its magnitude bits in one step when the table's <see cref="JpegHuffmanTable.FastAc"/>
    /// covers them, returning that entry; returns 0, consuming nothing, otherwise.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int DecodeFastAc(JpegHuffmanTable table)
    {
        if (_count < 16) Fill();
        int entry = table.FastAc[(int)(_bits >> (64 - JpegHuffmanTable.LookupBits))];
        int length = entry & 15;
        _bits <<= length;
        _count -= length;
        return entry;
    }

    private int DecodeLongCode(JpegHuffmanTable table)
    {
        int length = JpegHuffmanTable.LookupBits + 1;
        int code = (int)(_bits >> (64 - length));
        while (code > table.MaxCode[length])
        {
            length++;
            if (length > 16)
                throw new InvalidImageException($"JPEG scan has an invalid Huffman code near offset {_position}");
            code = (int)(_bits >> (64 - length));
        }

        _bits <<= length;
        _count -= length;
        return table.Symbols[(code + table.SymbolOffset[length]) & 0xFF];
    }

    /// <summary>Reads <paramref name="n"/> (0..16) bits as an unsigned number.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int GetBits(int n)
    {
        if (n == 0) return 0;
        if (_count < n) Fill();
        int value = (int)(_bits >> (64 - n));
        _bits <<= n;
        _count -= n;
        return value;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int GetBit()
    {
        if (_count < 1) Fill();
        int value = (int)(_bits >> 63);
        _bits <<= 1;
        _count--;
        return value;
    }

    /// <summary>Reads an <paramref name="n"/>-bit magnitude category and sign-extends it (JPEG's EXTEND).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int ReceiveExtend(int n)
    {
        if (n == 0) return 0;
        int value = GetBits(n);
        // Values below 2^(n-1) are negative: value - 2^n + 1.
        return value + (((value - (1 << (n - 1))) >> 31) & ((-1 << n) + 1));
    }

    private void Fill()
    {
        // Fast path: the next 8 bytes hold no 0xFF, so no stuffing or marker: take as many whole bytes as fit.
        if (!_stopped && _position + 8 <= _data.Length)
        {
            ulong word = BinaryPrimitives.ReadUInt64BigEndian(_data[_position..]);
            ulong inverted = ~word;
            if (((inverted - 0x0101010101010101UL) & ~inverted & 0x8080808080808080UL) == 0)
            {
                int bytes = (64 - _count) >> 3;
                _bits |= (word >> (64 - 8 * bytes)) << (64 - _count - 8 * bytes);
                _count += 8 * bytes;
                _position += bytes;
                return;
            }
        }

        while (_count <= 56)
        {
            if (_stopped)
            {
                _count += 8;
                _padding += 8;
                continue;
            }

            if (_position >= _data.Length)
            {
                _stopped = true;
                continue;
            }

            byte value = _data[_position];
            if (value == 0xFF)
            {
                // FF 00 is a stuffed data byte; FF followed by anything else (or nothing) starts a marker.
                if (_position + 1 >= _data.Length || _data[_position + 1] != 0)
                {
                    _stopped = true;
                    continue;
                }

                _position += 2;
            }
            else
            {
                _position++;
            }

            _bits |= (ulong)value << (56 - _count);
            _count += 8;
        }
    }

    /// <summary>
    /// Drops the rest of the current restart interval's bits and consumes the RSTn marker that must follow,
    /// failing clearly when it is missing or out of sequence (we do not guess where the data resumes).
    /// </summary>
    public void ReadRestartMarker(int expected)
    {
        if (Overrun)
            throw new InvalidImageException($"JPEG scan data ends early at offset {_position}, before RST{expected}");
        _bits = 0;
        _count = 0;
        _padding = 0;
        _stopped = false;
        int markerOffset = JpegMarkerScanner.FindNextMarker(_data, _position);
        if (markerOffset < 0)
            throw new InvalidImageException($"JPEG data ends at offset {_data.Length} where RST{expected} was expected");
        byte marker = _data[markerOffset + 1];
        if (marker != 0xD0 + expected)
            throw new InvalidImageException($"JPEG expected RST{expected} at offset {markerOffset}, found marker FF{marker:X2}");
        _position = markerOffset + 2;
    }
}
