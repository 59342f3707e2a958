namespace VaeWorkbench.Imaging.Formats;

/// <summary>
/// Tells AVIF and HEIF files (ISO base media files: a 'ftyp' box whose brands name the format) from unknown bytes, so
/// their refusal can say what they are. SkiaSharp 4.156.1's Linux build has neither codec (SKCodec answers Unimplemented),
/// so neither is accepted.
/// </summary>
internal static class IsoMediaBrands
{
    private static readonly string[] Avif = ["avif", "avis"];
    private static readonly string[] Heif = ["heic", "heix", "heim", "heis", "hevc", "hevx", "hevm", "hevs", "mif1", "msf1", "mif2"];

    /// <summary>"AVIF" or "HEIF" when <paramref name="data"/> starts with a ftyp box naming one, else null.</summary>
    public static string? NotAccepted(ReadOnlySpan<byte> data)
    {
        if (data.Length < 16 || !data.Slice(4, 4).SequenceEqual("ftyp"u8)) return null;
        var boxSize = (int)Math.Min(data.Length, System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(data));
        if (boxSize < 16) boxSize = 16;
        var brands = new List<string> { Brand(data, 8) };
        for (var at = 16; at + 4 <= boxSize; at += 4) brands.Add(Brand(data, at));
        // An AVIF names "avif" among its brands and often "mif1" as well; AVIF wins.
        if (brands.Any(b => Avif.Contains(b))) return "AVIF";
        if (brands.Any(b => Heif.Contains(b))) return "HEIF";
        return null;
    }

    private static string Brand(ReadOnlySpan<byte> data, int at) => System.Text.Encoding.ASCII.GetString(data.Slice(at, 4));
}
