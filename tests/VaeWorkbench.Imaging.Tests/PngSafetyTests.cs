using System.Buffers.Binary;
using VaeWorkbench.Imaging.Formats.Png;
using VaeWorkbench.Imaging.Tests.Support;

namespace VaeWorkbench.Imaging.Tests;

public class PngSafetyTests
{
    private static byte[] SmallPng() =>
        new PngBuilder { Width = 8, Height = 8, BitDepth = 8, ColorType = 0, Samples = PngBuilder.RandomSamples(64, 255, 1) }.Build();

    private static byte[] WithIhdr(int width, int height, byte[]? idat = null) =>
        PngBuilder.Assemble([("IHDR", Ihdr(width, height)), ("IDAT", idat ?? [0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]), ("IEND", [])]);

    private static byte[] Ihdr(int width, int height, byte depth = 8, byte colorType = 6)
    {
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        (ihdr[8], ihdr[9]) = (depth, colorType);
        return ihdr;
    }

    [Theory]
    [InlineData(100_000, 100_000)]
    [InlineData(500_000_000, 1)]
    [InlineData(1, 500_000_000)]
    public void Pixel_flood_fails_from_the_header_without_allocating(int width, int height)
    {
        var flood = WithIhdr(width, height);
        Assert.Throws<InvalidImageException>(() => PngDecoder.Decode(flood)); // warm up: first-call JIT and exception setup allocate too
        var before = GC.GetAllocatedBytesForCurrentThread();

        var e = Assert.Throws<InvalidImageException>(() => PngDecoder.Decode(flood));

        Assert.Equal($"PNG IHDR declares {width}x{height}, limit is 16384x16384", e.Message);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1_000_000, "the decoder allocated a large buffer before refusing");
    }

    [Fact]
    public void Size_within_limits_but_far_beyond_what_the_data_can_inflate_to_fails_before_allocating()
    {
        var flood = WithIhdr(16_000, 4_000); // 256 MB of RGBA from an 8-byte IDAT
        Assert.Throws<InvalidImageException>(() => PngDecoder.Decode(flood)); // warm up: first-call JIT and exception setup allocate too
        var before = GC.GetAllocatedBytesForCurrentThread();

        var e = Assert.Throws<InvalidImageException>(() => PngDecoder.Decode(flood));

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Contains("cannot inflate", e.Message);
        Assert.True(allocated < 1_000_000, $"allocated {allocated} bytes");
    }

    [Fact]
    public void Configured_limits_apply()
    {
        var png = SmallPng();

        Assert.Contains("limit is 4x4", Assert.Throws<InvalidImageException>(() => PngDecoder.Decode(png, new DecodeLimits { MaxWidth = 4, MaxHeight = 4 })).Message);
        Assert.Contains("limit is 10", Assert.Throws<InvalidImageException>(() => PngDecoder.Decode(png, new DecodeLimits { MaxFileBytes = 10 })).Message);
        Assert.Contains("inflates to 72 bytes, limit is 50", Assert.Throws<InvalidImageException>(() => PngDecoder.Decode(png, new DecodeLimits { MaxDecompressedBytes = 50 })).Message);
    }

    [Fact]
    public void Critical_chunk_crc_mismatch_names_chunk_and_offset()
    {
        var png = SmallPng();
        png[^14] ^= 1; // last byte of the IDAT CRC (IEND is the final 12 bytes)
        var idatOffset = png.Length - 12 - 12 - BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(33));

        var e = Assert.Throws<InvalidImageException>(() => PngDecoder.Decode(png));

        Assert.Equal($"PNG IDAT CRC mismatch at offset {idatOffset}", e.Message);
    }

    [Fact]
    public void Damaged_ancillary_chunk_is_dropped_like_libpng()
    {
        var good = new PngBuilder { Width = 2, Height = 1, BitDepth = 8, ColorType = 0, Samples = [1, 2] }.Chunk("tEXt", "a\0b"u8.ToArray()).Build();
        good[33 + 8 + 3] ^= 0xFF; // inside the tEXt body, so its CRC no longer matches

        Assert.Equal(new byte[] { 1, 2 }, PngDecoder.Decode(good).Pixels);
    }

    [Fact]
    public void Unknown_critical_chunk_is_rejected()
    {
        var png = new PngBuilder { Width = 1, Height = 1, BitDepth = 8, ColorType = 0, Samples = [0] }.Chunk("ABCD", [1]).Build();

        Assert.Equal("PNG unknown critical chunk ABCD at offset 33", Assert.Throws<InvalidImageException>(() => PngDecoder.Decode(png)).Message);
    }

    [Theory]
    [InlineData(0, 3, "bit depth 3 is not allowed")]
    [InlineData(5, 8, "colour type 5 is not defined")]
    [InlineData(2, 4, "bit depth 4 is not allowed with colour type 2")]
    [InlineData(3, 16, "bit depth 16 is not allowed with colour type 3")]
    public void Invalid_header_combinations_are_rejected(byte colorType, byte depth, string message)
    {
        var png = PngBuilder.Assemble([("IHDR", Ihdr(1, 1, depth, colorType)), ("IEND", [])]);

        Assert.Contains(message, Assert.Throws<InvalidImageException>(() => PngDecoder.Decode(png)).Message);
    }

    [Fact]
    public void Structural_errors_have_specific_messages()
    {
        var png = SmallPng();
        Assert.Contains("signature", Assert.Throws<InvalidImageException>(() => PngDecoder.Decode(png[1..])).Message);
        Assert.Contains("before the IEND chunk", Assert.Throws<InvalidImageException>(() => PngDecoder.Decode(png[..^12])).Message);
        Assert.Contains("past the end of the file", Assert.Throws<InvalidImageException>(() => PngDecoder.Decode(png[..50])).Message);
        var palette = PngBuilder.Assemble([("IHDR", Ihdr(1, 1, 8, 3)), ("IDAT", [0x78, 0x9C, 0x63, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01]), ("IEND", [])]);
        Assert.Contains("no PLTE before IDAT", Assert.Throws<InvalidImageException>(() => PngDecoder.Decode(palette)).Message);
    }

    [Fact]
    public void Short_image_data_and_corrupt_zlib_and_bad_filter_are_reported()
    {
        var builder = new PngBuilder { Width = 4, Height = 4, BitDepth = 8, ColorType = 0, Samples = PngBuilder.RandomSamples(16, 255, 2) };
        var raw = builder.RawScanlines();

        var truncated = Assert.Throws<InvalidImageException>(() => PngDecoder.Decode(WithIdat(builder, Deflate(raw[..^3]))));
        Assert.Equal("PNG image data is truncated: IDAT inflates to 17 of 20 bytes", truncated.Message);

        raw[5] = 9;
        Assert.Contains("filter type 9 is not defined", Assert.Throws<InvalidImageException>(() => PngDecoder.Decode(WithIdat(builder, Deflate(raw)))).Message);

        byte[] garbage = [0x78, 0x9C, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF];
        Assert.Contains("zlib stream is corrupt", Assert.Throws<InvalidImageException>(() => PngDecoder.Decode(WithIdat(builder, garbage))).Message);
    }

    private static byte[] WithIdat(PngBuilder b, byte[] idat)
    {
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, b.Width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), b.Height);
        (ihdr[8], ihdr[9]) = ((byte)b.BitDepth, (byte)b.ColorType);
        return PngBuilder.Assemble([("IHDR", ihdr), ("IDAT", idat), ("IEND", [])]);
    }

    private static byte[] Deflate(byte[] raw)
    {
        var output = new MemoryStream();
        using (var z = new System.IO.Compression.ZLibStream(output, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true)) z.Write(raw);
        return output.ToArray();
    }
}
