using System.Runtime.CompilerServices;
using System.Text;

namespace VaeWorkbench.Imaging.Tests.Jpeg;

/// <summary>
/// The committed JPEG test files (made by tests/corpus/make_jpeg_corpus.py --subset) with djpeg's decode of each,
/// and small helpers for editing JPEG bytes.
/// </summary>
internal static class JpegTestData
{
    public static string Directory([CallerFilePath] string here = "") => Path.Combine(Path.GetDirectoryName(here)!, "TestData");

    /// <summary>(jpeg file, reference PNM file, description) rows of the manifest.</summary>
    public static IReadOnlyList<(string Jpeg, string Reference, string Description)> Manifest()
    {
        string manifest = Path.Combine(Directory(), "manifest.tsv");
        if (!File.Exists(manifest)) throw new FileNotFoundException("JPEG test data manifest is missing", manifest);
        return File.ReadAllLines(manifest)
            .Select(line => line.Split('\t'))
            .Select(f => (f[0], f[1], f[2]))
            .ToList();
    }

    public static byte[] Bytes(string name) => File.ReadAllBytes(Path.Combine(Directory(), name));

    /// <summary>Reads djpeg's binary PGM (P5) or PPM (P6) output.</summary>
    public static Image ReadPnm(string name)
    {
        var data = Bytes(name);
        int position = 0;
        string Token()
        {
            while (char.IsWhiteSpace((char)data[position])) position++;
            int start = position;
            while (!char.IsWhiteSpace((char)data[position])) position++;
            return Encoding.ASCII.GetString(data, start, position - start);
        }

        string magic = Token();
        int width = int.Parse(Token());
        int height = int.Parse(Token());
        Assert.Equal("255", Token());
        position++;
        int channels = magic == "P5" ? 1 : 3;
        return new Image(width, height, channels, data.AsSpan(position, width * height * channels).ToArray());
    }

    /// <summary>Offset of the first segment with this marker (its 0xFF byte), walking segment lengths from SOI.</summary>
    public static int FindSegment(byte[] jpeg, byte marker)
    {
        int position = 2;
        while (position + 4 <= jpeg.Length)
        {
            Assert.Equal(0xFF, jpeg[position]);
            byte current = jpeg[position + 1];
            if (current == marker) return position;
            if (current == 0xDA) break;   // entropy-coded data follows; stop walking lengths
            position += 2 + (jpeg[position + 2] << 8 | jpeg[position + 3]);
        }

        throw new InvalidOperationException($"marker FF{marker:X2} not found before the first scan");
    }

    /// <summary>Offset of the first FF xx pair with xx = <paramref name="marker"/> anywhere in the data.</summary>
    public static int FindMarkerBytes(byte[] jpeg, byte marker, int start = 0)
    {
        for (int i = start; i + 1 < jpeg.Length; i++)
        {
            if (jpeg[i] == 0xFF && jpeg[i + 1] == marker) return i;
        }

        throw new InvalidOperationException($"bytes FF {marker:X2} not found");
    }

    public static double Psnr(byte[] a, byte[] b)
    {
        double sum = 0;
        for (int i = 0; i < a.Length; i++) sum += (a[i] - b[i]) * (a[i] - b[i]);
        return sum == 0 ? double.PositiveInfinity : 10 * Math.Log10(255.0 * 255.0 * a.Length / sum);
    }
}
