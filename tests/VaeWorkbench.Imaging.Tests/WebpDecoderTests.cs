using System.Buffers.Binary;
using SkiaSharp;
using VaeWorkbench.Imaging.Formats.Png;
using VaeWorkbench.Imaging.Formats.Webp;
using VaeWorkbench.Imaging.Tests.Support;

namespace VaeWorkbench.Imaging.Tests;

/// <summary>
/// WebP through SkiaSharp behind our own header checks. Fixtures: files made with Debian's cwebp/avifenc/heif-enc
/// (TestData/webp/README.md says how) and files encoded here with SkiaSharp's WebP encoder.
/// </summary>
public class WebpDecoderTests
{
    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "TestData", "webp", name);

    [Theory]
    [InlineData("rgb-23x17")]
    [InlineData("rgba-23x17")]
    public void Lossless_webp_made_by_cwebp_decodes_to_the_pngs_pixels(string name)
    {
        var png = ImageDecoder.Decode(File.ReadAllBytes(Fixture(name + ".png")));
        var webpBytes = File.ReadAllBytes(Fixture(name + "-lossless.webp"));
        Assert.Equal(ImageFormat.Webp, ImageDecoder.DetectFormat(webpBytes));
        var webp = ImageDecoder.Decode(webpBytes);
        AssertSamePixels(png, webp);
        Assert.Equal(new ImageInfo(ImageFormat.Webp, 23, 17, png.Channels), ImageDecoder.Identify(webpBytes));
    }

    [Theory]
    [InlineData(3, 1)]
    [InlineData(4, 2)]
    [InlineData(3, 3)]
    public void Lossless_webp_made_by_skiasharp_decodes_to_the_same_pixels_as_a_png_of_the_image(int channels, int seed)
    {
        var image = channels == 4 ? WithVaryingAlpha(TestImages.Random(37, 29, 4, seed)) : TestImages.Random(37, 29, 3, seed);
        var png = ImageDecoder.Decode(PngEncoder.Encode(image));
        var webp = ImageDecoder.Decode(SkiaWebp(image, lossless: true));
        AssertSamePixels(png, webp);
        Assert.Equal(image.Pixels, webp.Pixels);
    }

    [Fact]
    public void Lossy_webp_decodes_like_libwebps_own_decoder()
    {
        // dwebp (libwebp 1.2.4) wrote the reference; SkiaSharp carries its own libwebp build, so allow rounding differences.
        var reference = ImageDecoder.Decode(File.ReadAllBytes(Fixture("rgb-23x17-lossy.dwebp.pam")));
        var webp = ImageDecoder.Decode(File.ReadAllBytes(Fixture("rgb-23x17-lossy.webp")));
        Assert.Equal((23, 17, 3), (webp.Width, webp.Height, webp.Channels));
        for (var i = 0; i < webp.Width * webp.Height; i++)
            for (var c = 0; c < 3; c++)
                Assert.InRange(Math.Abs(webp.Pixels[i * 3 + c] - reference.Pixels[i * reference.Channels + c]), 0, 2);
    }

    [Fact]
    public void Lossy_webp_decodes_within_a_tolerance_of_the_original()
    {
        var gradient = TestImages.Gradient(64, 48, 3);
        var webp = ImageDecoder.Decode(SkiaWebp(gradient, lossless: false, quality: 90));
        Assert.Equal((64, 48, 3), (webp.Width, webp.Height, webp.Channels));
        var meanError = gradient.Pixels.Zip(webp.Pixels, (a, b) => Math.Abs(a - b)).Average();
        // Lossy: close, not equal (quality 90, 4:2:0 chroma; the gradient wraps at 256, a hard edge; measured 6.4).
        // Swapped or shifted channels would be off by 40 or more.
        Assert.InRange(meanError, 0.01, 10);
    }

    [Fact]
    public void Oversized_vp8x_canvas_is_refused_from_the_header_with_the_limit_named()
    {
        // A VP8X header declaring 100000x100000 and a VP8L chunk of 5 header bytes only: no pixel data at all.
        var file = Riff(Chunk("VP8X", Vp8x(100_000, 100_000, alpha: false)), Chunk("VP8L", Vp8lHeader(100, 100)));
        var e = Assert.Throws<InvalidImageException>(() => ImageDecoder.Decode(file));
        Assert.Equal("WebP VP8X header declares 100000x100000, limit is 16384x16384", e.Message);
        Assert.Throws<InvalidImageException>(() => ImageDecoder.Identify(file));
    }

    [Fact]
    public void Vp8l_header_over_the_pixel_limit_is_refused_before_decoding()
    {
        var file = Riff(Chunk("VP8L", Vp8lHeader(16384, 16384)));
        var e = Assert.Throws<InvalidImageException>(() => ImageDecoder.Decode(file));
        Assert.Equal("WebP VP8L header declares 16384x16384 = 268435456 pixels, limit is 67108864", e.Message);
        var small = new DecodeLimits { MaxWidth = 100, MaxHeight = 100 };
        var lossy = Riff(Chunk("VP8 ", Vp8Header(640, 480)));
        Assert.Equal("WebP VP8 header declares 640x480, limit is 100x100",
            Assert.Throws<InvalidImageException>(() => ImageDecoder.Decode(lossy, small)).Message);
    }

    [Fact]
    public void Frame_larger_than_its_vp8x_canvas_is_refused()
    {
        var file = Riff(Chunk("VP8X", Vp8x(10, 10, alpha: false)), Chunk("VP8L", Vp8lHeader(4000, 4000)));
        var e = Assert.Throws<InvalidImageException>(() => ImageDecoder.Decode(file));
        Assert.Contains("is 4000x4000, larger than its 10x10 canvas", e.Message);
    }

    [Fact]
    public void Identify_needs_only_the_first_bytes_of_a_large_webp()
    {
        // Identify(Stream) reads 64 KiB; a larger file's header must be enough.
        var image = TestImages.Random(300, 200, 3, 7);
        var webp = SkiaWebp(image, lossless: true);
        Assert.True(webp.Length > 64 * 1024, $"{webp.Length} bytes");
        Assert.Equal(new ImageInfo(ImageFormat.Webp, 300, 200, 3), ImageDecoder.Identify(new MemoryStream(webp)));
        Assert.Equal(image.Pixels, ImageDecoder.Decode(new MemoryStream(webp)).Pixels);
        Assert.Throws<InvalidImageException>(() => ImageDecoder.Decode(webp.AsSpan(0, 64 * 1024)));
    }

    [Fact]
    public void Truncated_webp_gets_a_clear_error()
    {
        var whole = File.ReadAllBytes(Fixture("rgb-23x17-lossless.webp"));
        var cut = whole[..(whole.Length / 2)];
        var e = Assert.Throws<InvalidImageException>(() => ImageDecoder.Decode(cut));
        Assert.Equal($"WebP file is truncated: its RIFF header declares {whole.Length} bytes, the file has {cut.Length}", e.Message);

        // The RIFF size fixed up to match: the container is whole, the bitstream is not.
        BinaryPrimitives.WriteUInt32LittleEndian(cut.AsSpan(4), (uint)(cut.Length - 8));
        e = Assert.Throws<InvalidImageException>(() => ImageDecoder.Decode(cut));
        Assert.StartsWith("WebP file is truncated: the 'VP8L' chunk at offset 12 declares", e.Message);
    }

    [Fact]
    public void Damaged_bitstream_gets_a_clear_error()
    {
        var file = File.ReadAllBytes(Fixture("rgb-23x17-lossless.webp"));
        // Keep the container and the VP8L header, overwrite the entropy-coded data with garbage.
        for (var i = 25; i < file.Length; i++) file[i] = 0xFF;
        var e = Assert.Throws<InvalidImageException>(() => ImageDecoder.Decode(file));
        Assert.StartsWith("WebP ", e.Message);
        Assert.Matches("cannot be decoded|truncated|damaged|invalid", e.Message);
    }

    [Fact]
    public void Riff_of_another_kind_or_a_wrong_first_chunk_is_named()
    {
        var e = Assert.Throws<InvalidImageException>(() => ImageDecoder.Decode(Riff(Chunk("ALPH", new byte[4]))));
        Assert.Equal("WebP file starts with a 'ALPH' chunk at offset 12; expected VP8, VP8L or VP8X", e.Message);
    }

    [Theory]
    [InlineData("rgb-23x17.avif", "AVIF")]
    [InlineData("rgb-23x17.heic", "HEIF")]
    public void Avif_and_heif_are_refused_by_name(string file, string format)
    {
        var e = Assert.Throws<InvalidImageException>(() => ImageDecoder.Decode(File.ReadAllBytes(Fixture(file))));
        Assert.StartsWith($"{format} images are not accepted", e.Message);
    }

    [Theory]
    [InlineData("rgb-23x17.avif")]
    [InlineData("rgb-23x17.heic")]
    public void Skiasharp_here_has_no_avif_or_heif_codec(string file)
    {
        // Why AVIF and HEIF are refused: if a SkiaSharp update brings these codecs, this fails and they can be accepted.
        using var data = SKData.CreateCopy(File.ReadAllBytes(Fixture(file)));
        Assert.Null(SKCodec.Create(data));
    }

    [Theory]
    [InlineData("rgb-23x17-lossless.webp")]
    [InlineData("rgba-23x17-lossless.webp")]
    [InlineData("rgb-23x17-lossy.webp")]
    public void Mutated_and_cut_webp_files_end_in_an_image_or_InvalidImageException(string name)
    {
        // The codec is native code: every header byte set to telling values, random byte flips and every cut must end
        // in an image or our exception, never in another exception (or a crash of the test process).
        var original = File.ReadAllBytes(Fixture(name));
        byte[] values = [0, 1, 2, 0x0F, 0x10, 0x2F, 0x7F, 0x80, 0x9D, 0xFE, 0xFF];
        var cases = new List<byte[]>();
        for (var offset = 0; offset < Math.Min(40, original.Length); offset++)
            foreach (var value in values)
            {
                var data = (byte[])original.Clone();
                data[offset] = value;
                cases.Add(data);
            }
        var random = new Random(18);
        for (var i = 0; i < 300; i++)
        {
            var data = (byte[])original.Clone();
            for (var flips = random.Next(1, 6); flips > 0; flips--) data[random.Next(12, data.Length)] = (byte)random.Next(256);
            cases.Add(data);
        }
        for (var length = 0; length < original.Length; length += 7) cases.Add(original[..length]);
        foreach (var data in cases)
        {
            var e = Record.Exception(() => ImageDecoder.Decode(data));
            Assert.True(e is null or InvalidImageException, $"{Convert.ToHexString(data.AsSpan(0, Math.Min(40, data.Length)))}: {e}");
        }
    }

    private static void AssertSamePixels(Image expected, Image actual)
    {
        Assert.Equal((expected.Width, expected.Height, expected.Channels), (actual.Width, actual.Height, actual.Channels));
        Assert.Equal(expected.Pixels, actual.Pixels);
    }

    /// <summary>Alpha from 1 to 255 (never 0, where a lossless encoder may drop the colour under it).</summary>
    private static Image WithVaryingAlpha(Image rgba)
    {
        for (var i = 3; i < rgba.Pixels.Length; i += 4) rgba.Pixels[i] = (byte)(1 + rgba.Pixels[i] % 255);
        return rgba;
    }

    private static byte[] SkiaWebp(Image image, bool lossless, int quality = 100)
    {
        var rgba = image.Channels == 4 ? image.Pixels : ToRgba(image);
        var info = new SKImageInfo(image.Width, image.Height, SKColorType.Rgba8888, image.Channels == 4 ? SKAlphaType.Unpremul : SKAlphaType.Opaque);
        var handle = System.Runtime.InteropServices.GCHandle.Alloc(rgba, System.Runtime.InteropServices.GCHandleType.Pinned);
        try
        {
            using var view = new SKPixmap(info, handle.AddrOfPinnedObject(), info.RowBytes);
            using var data = view.Encode(new SKWebpEncoderOptions(lossless ? SKWebpEncoderCompression.Lossless : SKWebpEncoderCompression.Lossy, quality));
            Assert.NotNull(data);
            return data.ToArray();
        }
        finally
        {
            handle.Free();
        }
    }

    private static byte[] ToRgba(Image rgb)
    {
        var rgba = new byte[rgb.Width * rgb.Height * 4];
        for (int i = 0, j = 0; j < rgb.Pixels.Length; i += 4, j += 3)
        {
            rgba[i] = rgb.Pixels[j];
            rgba[i + 1] = rgb.Pixels[j + 1];
            rgba[i + 2] = rgb.Pixels[j + 2];
            rgba[i + 3] = 255;
        }
        return rgba;
    }

    internal static byte[] Riff(params byte[][] chunks)
    {
        var body = chunks.SelectMany(c => c).ToArray();
        var file = new byte[12 + body.Length];
        "RIFF"u8.CopyTo(file);
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(4), (uint)(4 + body.Length));
        "WEBP"u8.CopyTo(file.AsSpan(8));
        body.CopyTo(file, 12);
        return file;
    }

    internal static byte[] Chunk(string fourCC, byte[] data)
    {
        var chunk = new byte[8 + data.Length + (data.Length & 1)];
        System.Text.Encoding.ASCII.GetBytes(fourCC).CopyTo(chunk, 0);
        BinaryPrimitives.WriteUInt32LittleEndian(chunk.AsSpan(4), (uint)data.Length);
        data.CopyTo(chunk, 8);
        return chunk;
    }

    internal static byte[] Vp8x(int width, int height, bool alpha)
    {
        var body = new byte[10];
        body[0] = (byte)(alpha ? 0x10 : 0);
        WriteUInt24(body.AsSpan(4), width - 1);
        WriteUInt24(body.AsSpan(7), height - 1);
        return body;
    }

    internal static byte[] Vp8lHeader(int width, int height)
    {
        var body = new byte[5];
        body[0] = 0x2F;
        BinaryPrimitives.WriteUInt32LittleEndian(body.AsSpan(1), (uint)((width - 1) | (height - 1) << 14));
        return body;
    }

    private static byte[] Vp8Header(int width, int height)
    {
        var body = new byte[10];
        body[3] = 0x9D;
        body[4] = 0x01;
        body[5] = 0x2A;
        BinaryPrimitives.WriteUInt16LittleEndian(body.AsSpan(6), (ushort)width);
        BinaryPrimitives.WriteUInt16LittleEndian(body.AsSpan(8), (ushort)height);
        return body;
    }

    private static void WriteUInt24(Span<byte> at, int value)
    {
        at[0] = (byte)value;
        at[1] = (byte)(value >> 8);
        at[2] = (byte)(value >> 16);
    }
}
