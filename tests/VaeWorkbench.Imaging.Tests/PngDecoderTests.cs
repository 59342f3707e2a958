using VaeWorkbench.Imaging.Formats.Png;
using VaeWorkbench.Imaging.Tests.Support;

namespace VaeWorkbench.Imaging.Tests;

public class PngDecoderTests
{
    public static TheoryData<int, int, bool> ColorTypesAndDepths()
    {
        var data = new TheoryData<int, int, bool>();
        foreach (var interlaced in new[] { false, true })
        {
            foreach (var depth in new[] { 1, 2, 4, 8, 16 }) data.Add(0, depth, interlaced);
            foreach (var depth in new[] { 1, 2, 4, 8 }) data.Add(3, depth, interlaced);
            foreach (var type in new[] { 2, 4, 6 })
                foreach (var depth in new[] { 8, 16 }) data.Add(type, depth, interlaced);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(ColorTypesAndDepths))]
    public void Decodes_every_colour_type_and_depth_to_the_native_samples(int colorType, int depth, bool interlaced)
    {
        // 13x11 is not a multiple of 8, so several Adam7 passes have partial rows and columns.
        const int width = 13, height = 11;
        var stored = colorType switch { 0 or 3 => 1, 4 => 2, 2 => 3, _ => 4 };
        var max = (1 << depth) - 1;
        var paletteSize = colorType == 3 ? Math.Min(1 << depth, 200) : 0;
        var samples = PngBuilder.RandomSamples(width * height * stored, colorType == 3 ? paletteSize - 1 : max, seed: colorType * 100 + depth);
        var builder = new PngBuilder { Width = width, Height = height, BitDepth = depth, ColorType = colorType, Interlaced = interlaced, Samples = samples };
        byte[]? palette = null;
        if (colorType == 3)
        {
            palette = new byte[paletteSize * 3];
            new Random(7).NextBytes(palette);
            builder.Chunk("PLTE", palette);
        }

        var decoded = PngDecoder.DecodeSamples(builder.Build());

        Assert.Equal((width, height), (decoded.Width, decoded.Height));
        if (colorType == 3)
        {
            Assert.Equal((3, 255), (decoded.Channels, decoded.MaxValue));
            for (var i = 0; i < samples.Length; i++)
                for (var c = 0; c < 3; c++)
                    Assert.Equal(palette![samples[i] * 3 + c], decoded.Samples[i * 3 + c]);
        }
        else
        {
            Assert.Equal((stored, max), (decoded.Channels, decoded.MaxValue));
            Assert.Equal(samples, decoded.Samples);
        }
    }

    [Theory]
    [InlineData(1, new ushort[] { 0, 1 }, new byte[] { 0, 255 })]
    [InlineData(2, new ushort[] { 0, 1, 2, 3 }, new byte[] { 0, 85, 170, 255 })]
    [InlineData(4, new ushort[] { 0, 5, 15 }, new byte[] { 0, 85, 255 })]
    [InlineData(16, new ushort[] { 0, 128, 32767, 32896, 65535 }, new byte[] { 0, 0, 127, 128, 255 })]
    public void Eight_bit_decode_rescales_like_libpng(int depth, ushort[] samples, byte[] expected)
    {
        var png = new PngBuilder { Width = samples.Length, Height = 1, BitDepth = depth, ColorType = 0, Samples = samples }.Build();

        var image = PngDecoder.Decode(png);

        Assert.Equal(expected, image.Pixels);
    }

    [Fact]
    public void Palette_transparency_adds_alpha_and_short_tRNS_leaves_later_entries_opaque()
    {
        var png = new PngBuilder { Width = 3, Height = 1, BitDepth = 8, ColorType = 3, Samples = [0, 1, 2] }
            .Chunk("PLTE", [10, 20, 30, 40, 50, 60, 70, 80, 90])
            .Chunk("tRNS", [0, 128])
            .Build();

        var image = PngDecoder.Decode(png);

        Assert.Equal(4, image.Channels);
        Assert.Equal(new byte[] { 10, 20, 30, 0, 40, 50, 60, 128, 70, 80, 90, 255 }, image.Pixels);
    }

    [Fact]
    public void Grey_and_rgb_colour_keys_become_alpha()
    {
        var grey = new PngBuilder { Width = 3, Height = 1, BitDepth = 8, ColorType = 0, Samples = [5, 6, 5] }.Chunk("tRNS", [0, 5]).Build();
        var rgb = new PngBuilder { Width = 2, Height = 1, BitDepth = 16, ColorType = 2, Samples = [1, 2, 3, 1, 2, 4] }.Chunk("tRNS", [0, 1, 0, 2, 0, 3]).Build();

        Assert.Equal(new byte[] { 5, 0, 6, 255, 5, 0 }, PngDecoder.Decode(grey).Pixels);
        var wide = PngDecoder.DecodeSamples(rgb);
        Assert.Equal(new ushort[] { 1, 2, 3, 0, 1, 2, 4, 65535 }, wide.Samples);
    }

    [Fact]
    public void Palette_index_past_the_palette_reads_as_black_like_libpng()
    {
        var png = new PngBuilder { Width = 2, Height = 1, BitDepth = 8, ColorType = 3, Samples = [0, 5] }.Chunk("PLTE", [9, 9, 9]).Build();

        Assert.Equal(new byte[] { 9, 9, 9, 0, 0, 0 }, PngDecoder.Decode(png).Pixels);
    }

    [Fact]
    public void Unknown_ancillary_chunks_are_ignored_and_IDAT_may_be_split()
    {
        var reference = new PngBuilder { Width = 4, Height = 3, BitDepth = 8, ColorType = 2, Samples = PngBuilder.RandomSamples(36, 255, 3) };
        var whole = reference.Chunk("tEXt", "Comment\0hello"u8.ToArray()).Chunk("zzZz", [1, 2, 3], afterData: true).Build();
        var chunks = PngChunksOf(whole);
        var idat = chunks.Single(c => c.Type == "IDAT").Body;
        var split = chunks.SelectMany(c => c.Type == "IDAT" ? [("IDAT", idat[..5]), ("IDAT", idat[5..])] : new[] { c });

        var expected = reference.Samples.Select(s => (byte)s).ToArray();
        Assert.Equal(expected, PngDecoder.Decode(whole).Pixels);
        Assert.Equal(expected, PngDecoder.Decode(PngBuilder.Assemble(split)).Pixels);
    }

    [Fact]
    public void Identify_reads_the_header_and_counts_tRNS_alpha()
    {
        var png = new PngBuilder { Width = 7, Height = 5, BitDepth = 8, ColorType = 2, Samples = new ushort[105] }.Chunk("tRNS", [0, 0, 0, 0, 0, 0]).Build();

        Assert.Equal(new ImageInfo(ImageFormat.Png, 7, 5, 4), PngDecoder.Identify(png));
        // Identify does not need the image data at all.
        Assert.Equal(new ImageInfo(ImageFormat.Png, 7, 5, 4), PngDecoder.Identify(png.AsSpan(0, 33 + 18)));
    }

    internal static List<(string Type, byte[] Body)> PngChunksOf(byte[] png)
    {
        var list = new List<(string, byte[])>();
        for (var at = 8; at < png.Length;)
        {
            var length = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(at));
            list.Add((System.Text.Encoding.ASCII.GetString(png, at + 4, 4), png[(at + 8)..(at + 8 + length)]));
            at += 12 + length;
        }
        return list;
    }
}
