using System.Buffers.Binary;
using System.Numerics;

namespace VaeWorkbench.Imaging.Formats.Bmp;

/// <summary>The BITMAPFILEHEADER and DIB header fields the decoder needs, validated.</summary>
internal sealed record BmpHeader(int DibSize, int Width, int Height, bool TopDown, int BitCount, uint Compression, uint ColorsUsed, int PixelOffset, uint[]? Masks, bool MasksAfterHeader)
{
    private const int FileHeaderSize = 14;

    /// <summary>1 for an all-grey palette, 4 when an alpha mask is set, otherwise 3.</summary>
    public int Channels(byte[]? palette)
    {
        if (palette is not null)
        {
            for (var i = 0; i < palette.Length; i += 3)
                if (palette[i] != palette[i + 1] || palette[i] != palette[i + 2]) return 3;
            return 1;
        }
        return Masks is { Length: 4 } && Masks[3] != 0 ? 4 : 3;
    }

    public static BmpHeader Read(ReadOnlySpan<byte> data, DecodeLimits limits)
    {
        if (data.Length < FileHeaderSize + 12 || data[0] != 'B' || data[1] != 'M')
            throw new InvalidImageException("BMP signature 'BM' or headers missing at offset 0");
        var pixelOffset = BinaryPrimitives.ReadUInt32LittleEndian(data[10..]);
        var dibSize = BinaryPrimitives.ReadUInt32LittleEndian(data[14..]);
        if (dibSize is not (12 or 40 or 52 or 56 or 64 or 108 or 124))
            throw new InvalidImageException($"BMP DIB header size {dibSize} at offset 14 is not a known version");
        if (data.Length < FileHeaderSize + dibSize)
            throw new InvalidImageException($"BMP file ends at offset {data.Length} inside its {dibSize}-byte DIB header");
        var dib = data.Slice(FileHeaderSize, (int)dibSize);
        long width, height;
        int planes, bitCount;
        uint compression = 0, colorsUsed = 0;
        if (dibSize == 12)
        {
            width = BinaryPrimitives.ReadUInt16LittleEndian(dib[4..]);
            height = BinaryPrimitives.ReadUInt16LittleEndian(dib[6..]);
            planes = BinaryPrimitives.ReadUInt16LittleEndian(dib[8..]);
            bitCount = BinaryPrimitives.ReadUInt16LittleEndian(dib[10..]);
        }
        else
        {
            width = BinaryPrimitives.ReadInt32LittleEndian(dib[4..]);
            height = BinaryPrimitives.ReadInt32LittleEndian(dib[8..]);
            planes = BinaryPrimitives.ReadUInt16LittleEndian(dib[12..]);
            bitCount = BinaryPrimitives.ReadUInt16LittleEndian(dib[14..]);
            compression = BinaryPrimitives.ReadUInt32LittleEndian(dib[16..]);
            colorsUsed = BinaryPrimitives.ReadUInt32LittleEndian(dib[32..]);
        }
        var topDown = height < 0;
        height = Math.Abs(height);
        if (planes != 1) throw new InvalidImageException($"BMP declares {planes} colour planes at offset 26, expected 1");
        if (bitCount is not (1 or 4 or 8 or 16 or 24 or 32))
            throw new InvalidImageException($"BMP bit count {bitCount} at offset 28 is not supported (1, 4, 8, 16, 24 or 32)");
        if (compression is 1 or 2) throw new InvalidImageException($"BMP RLE{(compression == 1 ? 8 : 4)} compression is not supported");
        if (compression is 4 or 5) throw new InvalidImageException("BMP with embedded JPEG or PNG data is not supported");
        if (compression is not (0 or 3 or 6))
            throw new InvalidImageException($"BMP compression type {compression} at offset 30 is not defined");
        if (compression is 3 or 6 && bitCount is not (16 or 32))
            throw new InvalidImageException($"BMP bit fields need 16 or 32 bits per pixel, not {bitCount}");
        limits.CheckDimensions("BMP", width, height, "DIB header");

        uint[]? masks = null;
        var masksAfterHeader = false;
        if (compression is 3 or 6)
        {
            var maskCount = compression == 6 || dibSize >= 56 ? 4 : 3;
            ReadOnlySpan<byte> maskBytes;
            if (dibSize >= 52)
            {
                // V2 (52-byte) headers hold three masks, V3 and later four.
                maskBytes = dib[40..];
                maskCount = Math.Min(maskCount, maskBytes.Length / 4);
            }
            else
            {
                masksAfterHeader = true;
                var end = FileHeaderSize + (int)dibSize + 4 * maskCount;
                if (data.Length < end) throw new InvalidImageException($"BMP file ends at offset {data.Length} inside its bit-field masks");
                maskBytes = data[(FileHeaderSize + (int)dibSize)..];
            }
            masks = new uint[4];
            for (var i = 0; i < maskCount; i++) masks[i] = BinaryPrimitives.ReadUInt32LittleEndian(maskBytes[(4 * i)..]);
            for (var i = 0; i < 4; i++)
            {
                var m = masks[i];
                if (m != 0 && !IsContiguous(m)) throw new InvalidImageException($"BMP bit-field mask 0x{m:X8} is not one contiguous run of bits");
            }
        }
        else if (bitCount == 16)
        {
            masks = [0x7C00, 0x03E0, 0x001F, 0]; // BI_RGB 16-bit is X1R5G5B5
        }
        if (pixelOffset < FileHeaderSize + dibSize || pixelOffset > data.Length)
            throw new InvalidImageException($"BMP pixel data offset {pixelOffset} at offset 10 is outside the file ({data.Length} bytes)");
        return new BmpHeader((int)dibSize, (int)width, (int)height, topDown, bitCount, compression, colorsUsed, (int)pixelOffset, masks, masksAfterHeader);
    }

    private static bool IsContiguous(uint mask)
    {
        var shifted = mask >> BitOperations.TrailingZeroCount(mask);
        return (shifted & (shifted + 1)) == 0;
    }
}
