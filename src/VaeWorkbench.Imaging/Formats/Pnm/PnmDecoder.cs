namespace VaeWorkbench.Imaging.Formats.Pnm;

/// <summary>
/// Decodes Netpbm images: PBM (P1, P4), PGM (P2, P5), PPM (P3, P6) with maxval up to 65535, and PAM (P7) with
/// 1 to 4 channels. Samples keep their precision in <see cref="DecodeSamples"/>; <see cref="Decode"/> rescales to 8 bits.
/// </summary>
public static class PnmDecoder
{
    public static Image Decode(ReadOnlySpan<byte> data, DecodeLimits? limits = null) => DecodeSamples(data, limits).ToImage();

    public static SampleImage DecodeSamples(ReadOnlySpan<byte> data, DecodeLimits? limits = null)
    {
        limits ??= DecodeLimits.Default;
        limits.CheckFileSize("PNM", data.Length);
        var h = PnmHeader.Read(data, limits);
        var count = (long)h.Width * h.Height * h.Channels;
        var at = h.DataOffset;
        // Every sample takes at least one byte (a PBM raster one bit), so a header promising more than the file
        // can hold fails before the sample buffer is allocated.
        var minimumBytes = h.Kind == '4' ? (long)(h.Width + 7) / 8 * h.Height : h.Kind == '1' ? count : h.MaxValue > 255 && h.Kind is '5' or '6' or '7' ? 2 * count : count;
        if (minimumBytes > data.Length - at)
            throw new InvalidImageException($"PNM raster is truncated: {h.Width}x{h.Height}x{h.Channels} needs at least {minimumBytes} bytes from offset {at}, file has {data.Length - at}");
        var samples = new ushort[count];
        switch (h.Kind)
        {
            case '1':
                for (var i = 0; i < samples.Length; i++)
                    samples[i] = (ushort)(1 - ReadPlainBit(data, ref at, i));
                break;
            case '4':
                var rowBytes = (h.Width + 7) / 8;
                if ((long)rowBytes * h.Height > data.Length - at)
                    throw new InvalidImageException($"PBM raster is truncated: needs {(long)rowBytes * h.Height} bytes from offset {at}, file has {data.Length - at}");
                for (var y = 0; y < h.Height; y++)
                    for (var x = 0; x < h.Width; x++)
                        samples[y * h.Width + x] = (ushort)(1 - ((data[at + y * rowBytes + (x >> 3)] >> (7 - (x & 7))) & 1));
                break;
            case '2' or '3':
                for (var i = 0; i < samples.Length; i++)
                    samples[i] = ReadPlainSample(data, ref at, h.MaxValue, i);
                break;
            default:
                ReadBinarySamples(data[at..], samples, h.MaxValue, at);
                break;
        }
        return new SampleImage(h.Width, h.Height, h.Channels, h.MaxValue, samples);
    }

    public static ImageInfo Identify(ReadOnlySpan<byte> data, DecodeLimits? limits = null)
    {
        var h = PnmHeader.Read(data, limits ?? DecodeLimits.Default);
        return new ImageInfo(ImageFormat.Pnm, h.Width, h.Height, h.Channels);
    }

    private static void ReadBinarySamples(ReadOnlySpan<byte> raster, ushort[] samples, int maxValue, int offset)
    {
        var wide = maxValue > 255;
        var needed = (long)samples.Length * (wide ? 2 : 1);
        if (needed > raster.Length)
            throw new InvalidImageException($"PNM raster is truncated: needs {needed} bytes from offset {offset}, file has {raster.Length}");
        for (var i = 0; i < samples.Length; i++)
        {
            int v = wide ? raster[2 * i] << 8 | raster[2 * i + 1] : raster[i];
            if (v > maxValue)
                throw new InvalidImageException($"PNM sample {v} at offset {offset + (wide ? 2 * i : i)} exceeds maxval {maxValue}");
            samples[i] = (ushort)v;
        }
    }

    private static ushort ReadPlainSample(ReadOnlySpan<byte> data, ref int at, int maxValue, int index)
    {
        PnmHeader.SkipSpaceAndComments(data, ref at);
        var start = at;
        long v = 0;
        while (at < data.Length && data[at] is >= (byte)'0' and <= (byte)'9' && v <= maxValue)
            v = v * 10 + (data[at++] - '0');
        if (at == start)
            throw new InvalidImageException(at >= data.Length
                ? $"PNM plain raster is truncated: sample {index} missing at offset {at}"
                : $"PNM plain raster has '{(char)data[at]}' at offset {at} where sample {index} should be");
        if (v > maxValue) throw new InvalidImageException($"PNM sample at offset {start} exceeds maxval {maxValue}");
        return (ushort)v;
    }

    /// <summary>P1 bits may be written with or without spaces between them.</summary>
    private static int ReadPlainBit(ReadOnlySpan<byte> data, ref int at, int index)
    {
        PnmHeader.SkipSpaceAndComments(data, ref at);
        if (at >= data.Length) throw new InvalidImageException($"PBM plain raster is truncated: bit {index} missing at offset {at}");
        var c = data[at++];
        return c switch
        {
            (byte)'0' => 0,
            (byte)'1' => 1,
            _ => throw new InvalidImageException($"PBM plain raster has '{(char)c}' at offset {at - 1} where bit {index} should be"),
        };
    }
}
