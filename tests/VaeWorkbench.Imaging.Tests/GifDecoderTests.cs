using VaeWorkbench.Imaging.Formats.Gif;

namespace VaeWorkbench.Imaging.Tests;

public class GifDecoderTests
{
    /// <summary>A textbook GIF LZW encoder (growing code width, table reset when full), independent of the decoder.</summary>
    internal static byte[] LzwEncode(byte[] indices, int minCodeSize)
    {
        var clear = 1 << minCodeSize;
        var codes = new List<(int Code, int Width)>();
        var table = new Dictionary<string, int>();
        void Reset() { table.Clear(); for (var i = 0; i < clear; i++) table[((char)i).ToString()] = i; }
        Reset();
        var width = minCodeSize + 1;
        var next = clear + 2;
        codes.Add((clear, width));
        var current = "";
        foreach (var b in indices)
        {
            var extended = current + (char)b;
            if (table.ContainsKey(extended)) { current = extended; continue; }
            codes.Add((table[current], width));
            if (next < 4096)
            {
                table[extended] = next++;
                if (next > 1 << width && width < 12) width++;
            }
            else
            {
                codes.Add((clear, width));
                Reset();
                width = minCodeSize + 1;
                next = clear + 2;
            }
            current = ((char)b).ToString();
        }
        codes.Add((table[current], width));
        codes.Add((clear + 1, width));
        var bytes = new List<byte>();
        int acc = 0, bits = 0;
        foreach (var (code, w) in codes)
        {
            acc |= code << bits;
            bits += w;
            while (bits >= 8) { bytes.Add((byte)acc); acc >>= 8; bits -= 8; }
        }
        if (bits > 0) bytes.Add((byte)acc);
        return [.. bytes];
    }

    internal static byte[] Gif(int width, int height, byte[] indices, byte[] palette, int transparent = -1, bool interlaced = false)
    {
        var minCodeSize = 2;
        while (1 << minCodeSize < palette.Length / 3) minCodeSize++;
        var tableBits = minCodeSize - 1;
        var fullPalette = new byte[3 << (tableBits + 1)];
        palette.CopyTo(fullPalette, 0);
        var file = new List<byte>();
        file.AddRange("GIF89a"u8.ToArray());
        file.AddRange([(byte)width, (byte)(width >> 8), (byte)height, (byte)(height >> 8), (byte)(0x80 | tableBits), 0, 0]);
        file.AddRange(fullPalette);
        if (transparent >= 0) file.AddRange([0x21, 0xF9, 4, 1, 0, 0, (byte)transparent, 0]);
        file.AddRange([0x2C, 0, 0, 0, 0, (byte)width, (byte)(width >> 8), (byte)height, (byte)(height >> 8), (byte)(interlaced ? 0x40 : 0)]);
        file.Add((byte)minCodeSize);
        var data = LzwEncode(indices, minCodeSize);
        for (var i = 0; i < data.Length; i += 255)
        {
            var n = Math.Min(255, data.Length - i);
            file.Add((byte)n);
            file.AddRange(data.AsSpan(i, n).ToArray());
        }
        file.AddRange([0, 0x3B]);
        return [.. file];
    }

    [Fact]
    public void Decodes_long_runs_and_noise_including_table_resets()
    {
        // Runs produce the KwKwK case; 20000 noisy indices overflow the 4096-code table and force resets.
        var random = new Random(4);
        var indices = Enumerable.Repeat((byte)1, 300).Concat(Enumerable.Range(0, 20_000).Select(_ => (byte)random.Next(4))).ToArray();
        byte[] palette = [0, 0, 0, 255, 0, 0, 0, 255, 0, 0, 0, 255];
        var width = 100;
        var height = indices.Length / width;

        var image = GifDecoder.Decode(Gif(width, height, indices[..(width * height)], palette));

        Assert.Equal((width, height, 3), (image.Width, image.Height, image.Channels));
        for (var i = 0; i < width * height; i++)
            Assert.Equal(palette.AsSpan(indices[i] * 3, 3).ToArray(), image.Pixels.AsSpan(i * 3, 3).ToArray());
    }

    [Fact]
    public void Interlaced_rows_are_placed_in_pass_order_and_transparency_gives_alpha()
    {
        // Stored row r holds value r; the interlaced order for 5 rows is 0, 4, 2, 1, 3.
        var stored = new byte[] { 0, 1, 2, 3, 4 };
        byte[] palette = [0, 0, 0, 10, 10, 10, 20, 20, 20, 30, 30, 30, 40, 40, 40];

        var image = GifDecoder.Decode(Gif(1, 5, stored, palette, transparent: 2, interlaced: true));

        Assert.Equal(4, image.Channels);
        Assert.Equal(new byte[] { 0, 0, 0, 255, 30, 30, 30, 255, 0, 0, 0, 0, 40, 40, 40, 255, 10, 10, 10, 255 }, image.Pixels);
        Assert.Equal(new ImageInfo(ImageFormat.Gif, 1, 5, 4), GifDecoder.Identify(Gif(1, 5, stored, palette, transparent: 2)));
    }

    [Fact]
    public void A_frame_larger_than_its_data_could_hold_fails_before_allocating()
    {
        var gif = Gif(2, 2, new byte[4], [1, 2, 3, 4, 5, 6]);
        var descriptor = Array.IndexOf(gif, (byte)0x2C);
        gif[6] = gif[7] = gif[8] = gif[9] = 0x40; // logical screen 16448x16448 > limits
        Assert.Contains("logical screen", Assert.Throws<InvalidImageException>(() => GifDecoder.Decode(gif)).Message);
        gif[6] = gif[8] = 2; gif[7] = gif[9] = 0;
        gif[descriptor + 5] = gif[descriptor + 7] = 0xF0; gif[descriptor + 6] = gif[descriptor + 8] = 0x0F; // frame 4080x4080
        Assert.Throws<InvalidImageException>(() => GifDecoder.Decode(gif)); // warm up
        var before = GC.GetAllocatedBytesForCurrentThread();

        var e = Assert.Throws<InvalidImageException>(() => GifDecoder.Decode(gif));

        Assert.Contains("cannot decode to the 16646400 pixels", e.Message);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1_000_000);
    }

    [Fact]
    public void Truncated_and_invalid_data_is_rejected()
    {
        var gif = Gif(10, 10, new byte[100], [1, 2, 3, 4, 5, 6]);

        Assert.Contains("GIF", Assert.Throws<InvalidImageException>(() => GifDecoder.Decode(gif[..^8])).Message);
        var badCode = (byte[])gif.Clone();
        badCode[Array.IndexOf(badCode, (byte)0x2C) + 10] = 12; // LZW minimum code size 12
        Assert.Contains("minimum code size 12", Assert.Throws<InvalidImageException>(() => GifDecoder.Decode(badCode)).Message);
    }
}
