using VaeWorkbench.Imaging.Formats.Jpeg;

namespace VaeWorkbench.Imaging.Tests.Jpeg;

/// <summary>Huffman tables and the bit reader on hand-made bit streams.</summary>
public class JpegEntropyTests
{
    /// <summary>Lengths 1..12, one code each: codes 0, 10, 110, ..., 11111111110 and 111111111110 (the long path).</summary>
    private static JpegHuffmanTable Staircase()
    {
        var counts = new byte[16];
        for (int i = 0; i < 12; i++) counts[i] = 1;
        var symbols = Enumerable.Range(0, 12).Select(i => (byte)(0x10 + i)).ToArray();
        return new JpegHuffmanTable(counts, symbols, "test table");
    }

    /// <summary>Packs bit strings MSB first, pads with 1s, and stuffs 0x00 after 0xFF as an encoder would.</summary>
    private static byte[] Pack(params string[] codes)
    {
        var bits = string.Concat(codes);
        bits += new string('1', (8 - bits.Length % 8) % 8);
        var bytes = new List<byte>();
        for (int i = 0; i < bits.Length; i += 8)
        {
            byte b = Convert.ToByte(bits.Substring(i, 8), 2);
            bytes.Add(b);
            if (b == 0xFF) bytes.Add(0);
        }

        return [.. bytes];
    }

    private static string Code(int length) => new string('1', length - 1) + "0";

    [Fact]
    public void DecodesShortAndLongCodes()
    {
        var table = Staircase();
        int[] lengths = [1, 12, 9, 10, 2, 11, 3, 12, 1];
        var data = Pack(lengths.Select(Code).ToArray());
        var reader = new JpegBitReader(data, 0);
        foreach (int length in lengths) Assert.Equal(0x10 + length - 1, reader.DecodeHuffman(table));
        Assert.False(reader.Overrun);
    }

    [Fact]
    public void InvalidCodeFails()
    {
        // Thirteen 1-bits and more: no code of this table is that long.
        var reader = new JpegBitReader(Pack(new string('1', 24)), 0);
        var table = Staircase();
        try
        {
            reader.DecodeHuffman(table);
            Assert.Fail("expected an invalid code");
        }
        catch (InvalidImageException e)
        {
            Assert.Contains("invalid Huffman code", e.Message);
        }
    }

    [Fact]
    public void ReceiveExtendSignExtends()
    {
        // Category 3: 000 = -7, 011 = -4, 100 = 4, 111 = 7. Category 1: 0 = -1, 1 = 1.
        var reader = new JpegBitReader(Pack("000", "011", "100", "111", "0", "1"), 0);
        Assert.Equal(-7, reader.ReceiveExtend(3));
        Assert.Equal(-4, reader.ReceiveExtend(3));
        Assert.Equal(4, reader.ReceiveExtend(3));
        Assert.Equal(7, reader.ReceiveExtend(3));
        Assert.Equal(-1, reader.ReceiveExtend(1));
        Assert.Equal(1, reader.ReceiveExtend(1));
        Assert.Equal(0, reader.ReceiveExtend(0));
    }

    [Fact]
    public void StuffedZeroAfterFfIsRemoved()
    {
        var reader = new JpegBitReader(new byte[] { 0xFF, 0x00, 0x81 }, 0);
        Assert.Equal(0xFF, reader.GetBits(8));
        Assert.Equal(0x81, reader.GetBits(8));
        Assert.False(reader.Overrun);
    }

    [Fact]
    public void ReadingPastAMarkerIsAnOverrun()
    {
        var reader = new JpegBitReader(new byte[] { 0xAB, 0xFF, 0xD9 }, 0);
        Assert.Equal(0xAB, reader.GetBits(8));
        Assert.False(reader.Overrun);
        Assert.Equal(1, reader.Position);   // stopped at the marker
        Assert.Equal(0, reader.GetBits(4)); // zeros are supplied...
        Assert.True(reader.Overrun);        // ...but flagged
    }

    [Fact]
    public void PeekingPastTheEndIsNotAnOverrun()
    {
        // A 1-bit code in the last byte: decoding peeks 16 bits, but only consumes one.
        var counts = new byte[16];
        counts[0] = 1;
        var table = new JpegHuffmanTable(counts, [0x42], "one code");
        var reader = new JpegBitReader(new byte[] { 0x7F }, 0);
        Assert.Equal(0x42, reader.DecodeHuffman(table));
        Assert.False(reader.Overrun);
    }
}
