using System.Text;
using VaeWorkbench.Imaging.Formats.Pnm;
using VaeWorkbench.Imaging.Tests.Support;

namespace VaeWorkbench.Imaging.Tests;

public class PnmDecoderTests
{
    private static byte[] Ascii(string s) => Encoding.ASCII.GetBytes(s);

    [Fact]
    public void Plain_formats_with_comments_parse()
    {
        var p2 = PnmDecoder.DecodeSamples(Ascii("P2\n# a comment\n3 1 # trailing\n1000\n0 500 1000\n"));
        Assert.Equal((1, 1000), (p2.Channels, p2.MaxValue));
        Assert.Equal(new ushort[] { 0, 500, 1000 }, p2.Samples);
        Assert.Equal(new byte[] { 0, 128, 255 }, p2.ToImage().Pixels);

        var p3 = PnmDecoder.Decode(Ascii("P3 1 1 255 10 20 30"));
        Assert.Equal(new byte[] { 10, 20, 30 }, p3.Pixels);

        var p1 = PnmDecoder.Decode(Ascii("P1\n3 1\n101"));
        Assert.Equal(new byte[] { 0, 255, 0 }, p1.Pixels);
    }

    [Fact]
    public void Binary_8_and_16_bit_and_pbm_parse()
    {
        var p5 = PnmDecoder.DecodeSamples([.. Ascii("P5 2 1 65535\n"), 0x12, 0x34, 0xFF, 0xFF]);
        Assert.Equal(new ushort[] { 0x1234, 0xFFFF }, p5.Samples);

        var p6 = PnmDecoder.Decode([.. Ascii("P6 1 1 255\n"), 1, 2, 3]);
        Assert.Equal(new byte[] { 1, 2, 3 }, p6.Pixels);

        var p4 = PnmDecoder.Decode([.. Ascii("P4 9 1\n"), 0b1000_0001, 0b1000_0000]);
        Assert.Equal(new byte[] { 0, 255, 255, 255, 255, 255, 255, 0, 0 }, p4.Pixels);
    }

    [Fact]
    public void Pam_round_trips_through_our_encoder()
    {
        var samples = new SampleImage(3, 2, 4, 4095, PngBuilderSamples(24, 4095));

        var again = PnmDecoder.DecodeSamples(PnmEncoder.EncodePam(samples));

        Assert.Equal((3, 2, 4, 4095), (again.Width, again.Height, again.Channels, again.MaxValue));
        Assert.Equal(samples.Samples, again.Samples);
    }

    private static ushort[] PngBuilderSamples(int count, int max) => PngBuilder.RandomSamples(count, max, 5);

    [Theory]
    [InlineData("P5 2 2 255\n\x01", "truncated")]
    [InlineData("P5 2 1 0\n\x01\x01", "maxval 0 is outside")]
    [InlineData("P5 2 1 70000\n", "maxval 70000 is outside")]
    [InlineData("P2 2 1 10\n5 11", "exceeds maxval 10")]
    [InlineData("P2 2 1 10\n5 x", "'x' at offset")]
    [InlineData("P5 x 1 255\n", "width is missing")]
    [InlineData("P5 100000 100000 255\n", "100000x100000")]
    [InlineData("P7\nWIDTH 1\nHEIGHT 1\nDEPTH 5\nMAXVAL 255\nENDHDR\n", "DEPTH 5")]
    public void Bad_headers_and_rasters_are_rejected_with_specific_messages(string file, string message)
    {
        var e = Assert.Throws<InvalidImageException>(() => PnmDecoder.Decode(Encoding.Latin1.GetBytes(file)));

        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void Binary_sample_above_maxval_is_rejected()
    {
        Assert.Contains("exceeds maxval 100", Assert.Throws<InvalidImageException>(() => PnmDecoder.Decode([.. Ascii("P5 1 1 100\n"), 200])).Message);
    }
}
