using VaeWorkbench.Imaging.Formats.Png;
using VaeWorkbench.Imaging.Tests.Support;

namespace VaeWorkbench.Imaging.Tests;

public class ImageDecoderTests
{
    [Theory]
    [InlineData(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, ImageFormat.Png)]
    [InlineData(new byte[] { 0xFF, 0xD8, 0xFF, 0xE0 }, ImageFormat.Jpeg)]
    [InlineData(new byte[] { (byte)'G', (byte)'I', (byte)'F', (byte)'8', (byte)'9', (byte)'a' }, ImageFormat.Gif)]
    [InlineData(new byte[] { (byte)'B', (byte)'M', 0, 0 }, ImageFormat.Bmp)]
    [InlineData(new byte[] { (byte)'P', (byte)'6', (byte)'\n' }, ImageFormat.Pnm)]
    [InlineData(new byte[] { 0, 0, 8, 3 }, ImageFormat.Idx)]
    [InlineData(new byte[] { (byte)'P', (byte)'8', (byte)'\n' }, ImageFormat.Unknown)]
    [InlineData(new byte[] { 0x89, 0x50, 0x4E, 0x47 }, ImageFormat.Unknown)]
    public void Format_is_detected_from_magic_bytes(byte[] head, ImageFormat expected)
    {
        Assert.Equal(expected, ImageDecoder.DetectFormat(head));
    }

    [Fact]
    public void Format_comes_from_content_not_name()
    {
        var png = PngEncoder.Encode(TestImages.Random(3, 2, 3, 1));
        var path = Path.Combine(Path.GetTempPath(), $"vae-{Guid.NewGuid():N}.bmp");
        File.WriteAllBytes(path, png);
        try
        {
            using var stream = File.OpenRead(path);
            var image = ImageDecoder.Decode(stream);
            Assert.Equal((3, 2, 3), (image.Width, image.Height, image.Channels));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData(new byte[0], "empty")]
    [InlineData(new byte[] { 0x1F, 0x8B, 8, 0 }, "gzip")]
    [InlineData(new byte[] { (byte)'P', (byte)'K', 3, 4 }, "ZIP archive")]
    [InlineData(new byte[] { 1, 2, 3, 4, 5 }, "Unknown image format: the first bytes are 0102030405")]
    [InlineData(new byte[] { 0, 0, 8, 3 }, "IDX is a dataset")]
    public void Unknown_content_gets_a_clear_error(byte[] data, string message)
    {
        Assert.Contains(message, Assert.Throws<InvalidImageException>(() => ImageDecoder.Decode(data)).Message);
    }

    [Fact]
    public void Stream_decode_refuses_more_than_the_file_limit_without_reading_it_all()
    {
        var big = new MemoryStream(new byte[10_000]);

        Assert.Contains("limit is 1000", Assert.Throws<InvalidImageException>(() => ImageDecoder.Decode(big, new DecodeLimits { MaxFileBytes = 1000 })).Message);
    }

    [Fact]
    public void Identify_reports_what_decode_produces_for_every_corpus_file()
    {
        foreach (var path in Directory.EnumerateFiles(TestImages.CorpusDirectory).Where(p => !p.EndsWith(".ref.pam", StringComparison.Ordinal)))
        {
            var data = File.ReadAllBytes(path);
            var image = ImageDecoder.Decode(data);
            var info = ImageDecoder.Identify(data);
            Assert.Equal((ImageDecoder.DetectFormat(data), image.Width, image.Height, image.Channels), (info.Format, info.Width, info.Height, info.Channels));
        }
    }

    [Fact]
    public void Identify_reads_a_jpeg_frame_header()
    {
        // Written by cjpeg from the corpus's 37x29 PPM; SOF0 sits at offset 158.
        var jpeg = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "TestData", "identify", "ac-adapter-37x29.jpg"));

        Assert.Equal(new ImageInfo(ImageFormat.Jpeg, 37, 29, 3), ImageDecoder.Identify(jpeg));
        Assert.Equal(0xC0, jpeg[159]);
        jpeg[163] = 0xFF; // height 0xFF1D, beyond the limit
        Assert.Contains("JPEG SOF declares 37x65309", Assert.Throws<InvalidImageException>(() => ImageDecoder.Identify(jpeg)).Message);
    }
}
