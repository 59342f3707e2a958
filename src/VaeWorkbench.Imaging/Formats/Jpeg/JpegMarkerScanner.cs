namespace VaeWorkbench.Imaging.Formats.Jpeg;

/// <summary>Finds markers in a JPEG byte stream and names them for error messages.</summary>
internal static class JpegMarkerScanner
{
    /// <summary>
    /// Offset of the next marker's 0xFF at or after <paramref name="start"/>, or -1 when the data ends first.
    /// Like libjpeg, bytes that are not part of a marker (stray data, fill bytes, stuffed FF 00) are skipped.
    /// </summary>
    public static int FindNextMarker(ReadOnlySpan<byte> data, int start)
    {
        for (int i = Math.Max(start, 0); i + 1 < data.Length; i++)
        {
            if (data[i] != 0xFF) continue;
            byte next = data[i + 1];
            if (next != 0x00 && next != 0xFF) return i;
        }

        return -1;
    }

    public static string Name(byte marker) => marker switch
    {
        0xC0 => "SOF0",
        0xC1 => "SOF1",
        0xC2 => "SOF2",
        0xC4 => "DHT",
        0xD8 => "SOI",
        0xD9 => "EOI",
        0xDA => "SOS",
        0xDB => "DQT",
        0xDD => "DRI",
        >= 0xD0 and <= 0xD7 => $"RST{marker - 0xD0}",
        >= 0xE0 and <= 0xEF => $"APP{marker - 0xE0}",
        0xFE => "COM",
        _ => $"FF{marker:X2}",
    };
}
