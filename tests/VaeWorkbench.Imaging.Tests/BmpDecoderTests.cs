using System.Buffers.Binary;
using VaeWorkbench.Imaging.Formats.Bmp;

namespace VaeWorkbench.Imaging.Tests;

public class BmpDecoderTests
{
    /// <summary>A BITMAPINFOHEADER bitmap with the given raw rows (already padded to 4 bytes) and palette.</summary>
    internal static byte[] Bmp(int width, int height, int bits, byte[] rows, byte[]? paletteBgrx = null, uint compression = 0, uint[]? masks = null)
    {
        var extra = (paletteBgrx?.Length ?? 0) + (masks?.Length ?? 0) * 4;
        var offset = 14 + 40 + extra;
        var file = new byte[offset + rows.Length];
        file[0] = (byte)'B';
        file[1] = (byte)'M';
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(2), file.Length);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(10), offset);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(14), 40);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(18), width);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(22), height);
        BinaryPrimitives.WriteInt16LittleEndian(file.AsSpan(26), 1);
        BinaryPrimitives.WriteInt16LittleEndian(file.AsSpan(28), (short)bits);
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(30), compression);
        var at = 54;
        foreach (var m in masks ?? []) { BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(at), m); at += 4; }
        paletteBgrx?.CopyTo(file, at);
        rows.CopyTo(file, offset);
        return file;
    }

    [Fact]
    public void Bottom_up_24_bit_rows_are_flipped_and_BGR_swapped_and_padding_skipped()
    {
        // 1x2: the first stored row is the bottom one; each row is 3 bytes + 1 padding.
        var bmp = Bmp(1, 2, 24, [1, 2, 3, 0, 4, 5, 6, 0]);

        var image = BmpDecoder.Decode(bmp);

        Assert.Equal(3, image.Channels);
        Assert.Equal(new byte[] { 6, 5, 4, 3, 2, 1 }, image.Pixels);
    }

    [Fact]
    public void Top_down_is_read_in_order()
    {
        var image = BmpDecoder.Decode(Bmp(1, -2, 24, [1, 2, 3, 0, 4, 5, 6, 0]));

        Assert.Equal(new byte[] { 3, 2, 1, 6, 5, 4 }, image.Pixels);
    }

    [Fact]
    public void Four_bit_palette_indices_are_read_high_nibble_first()
    {
        byte[] palette = [0, 0, 255, 0, /**/ 0, 255, 0, 0, /**/ 255, 0, 0, 0];
        var image = BmpDecoder.Decode(Bmp(3, 1, 4, [0x01, 0x20, 0, 0], palette));

        Assert.Equal(new byte[] { 255, 0, 0, 0, 255, 0, 0, 0, 255 }, image.Pixels);
    }

    [Fact]
    public void Grey_palette_gives_one_channel_and_1_bit_works()
    {
        byte[] palette = [0, 0, 0, 0, 255, 255, 255, 0];
        var image = BmpDecoder.Decode(Bmp(10, 1, 1, [0b1010_0000, 0b0100_0000, 0, 0], palette));

        Assert.Equal(1, image.Channels);
        Assert.Equal(new byte[] { 255, 0, 255, 0, 0, 0, 0, 0, 0, 255 }, image.Pixels);
    }

    [Fact]
    public void Bitfields_32_bit_with_alpha_mask_gives_RGBA()
    {
        uint[] masks = [0x00FF0000, 0x0000FF00, 0x000000FF, 0xFF000000];
        var bmp = Bmp(1, 1, 32, [0x30, 0x20, 0x10, 0x80], compression: 6, masks: masks);

        var image = BmpDecoder.Decode(bmp);

        Assert.Equal(new byte[] { 0x10, 0x20, 0x30, 0x80 }, image.Pixels);
    }

    [Fact]
    public void Alpha_bitfields_with_a_52_byte_header_read_only_the_three_masks_it_holds()
    {
        var bmp = Bmp(1, 1, 32, [0x30, 0x20, 0x10, 0x80], compression: 6, masks: [0x00FF0000, 0x0000FF00, 0x000000FF]);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(14), 52); // the masks now sit inside the DIB header

        var image = BmpDecoder.Decode(bmp);

        Assert.Equal(new byte[] { 0x10, 0x20, 0x30 }, image.Pixels);
    }

    [Fact]
    public void Sixteen_bit_default_is_555()
    {
        var image = BmpDecoder.Decode(Bmp(1, 1, 16, [0xFF, 0x7F, 0, 0]));

        Assert.Equal(new byte[] { 255, 255, 255 }, image.Pixels);
    }

    [Fact]
    public void Errors_name_what_is_wrong()
    {
        Assert.Contains("truncated", Assert.Throws<InvalidImageException>(() => BmpDecoder.Decode(Bmp(100, 100, 24, [1, 2, 3]))).Message);
        Assert.Contains("RLE8 compression is not supported", Assert.Throws<InvalidImageException>(() => BmpDecoder.Decode(Bmp(1, 1, 8, [0, 0, 0, 0], new byte[4], compression: 1))).Message);
        Assert.Contains("bit count 7", Assert.Throws<InvalidImageException>(() => BmpDecoder.Decode(Bmp(1, 1, 7, [0, 0, 0, 0]))).Message);
        var flood = Bmp(100_000, 100_000, 24, []);
        Assert.Contains("100000x100000", Assert.Throws<InvalidImageException>(() => BmpDecoder.Decode(flood)).Message);
    }
}
