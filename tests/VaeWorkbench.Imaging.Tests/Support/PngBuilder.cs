using System.Buffers.Binary;
using System.IO.Compression;
using VaeWorkbench.Imaging.Formats;

namespace VaeWorkbench.Imaging.Tests.Support;

/// <summary>
/// Writes PNG files of any colour type, bit depth and interlacing from native sample values, independently of the
/// encoder under test: samples are packed by hand and every scanline uses filter 0 (None).
/// </summary>
internal sealed class PngBuilder
{
    private readonly List<(string Type, byte[] Body)> _beforeData = [];
    private readonly List<(string Type, byte[] Body)> _afterData = [];

    public required int Width { get; init; }
    public required int Height { get; init; }
    public required int BitDepth { get; init; }
    public required int ColorType { get; init; }
    public bool Interlaced { get; init; }

    /// <summary>Native samples, interleaved, StoredChannels per pixel (palette images: one index per pixel).</summary>
    public required ushort[] Samples { get; init; }

    public PngBuilder Chunk(string type, byte[] body, bool afterData = false)
    {
        (afterData ? _afterData : _beforeData).Add((type, body));
        return this;
    }

    public int StoredChannels => ColorType switch { 0 or 3 => 1, 4 => 2, 2 => 3, _ => 4 };

    public byte[] RawScanlines()
    {
        using var raw = new MemoryStream();
        (int X, int Y, int Dx, int Dy)[] passes = Interlaced
            ? [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]
            : [(0, 0, 1, 1)];
        foreach (var (x0, y0, dx, dy) in passes)
        {
            var xs = Enumerable.Range(0, Width).Where(x => x >= x0 && (x - x0) % dx == 0).ToList();
            var ys = Enumerable.Range(0, Height).Where(y => y >= y0 && (y - y0) % dy == 0).ToList();
            if (xs.Count == 0 || ys.Count == 0) continue;
            foreach (var y in ys)
            {
                raw.WriteByte(0);
                var bits = new List<int>();
                foreach (var x in xs)
                    for (var c = 0; c < StoredChannels; c++)
                    {
                        var v = Samples[(y * Width + x) * StoredChannels + c];
                        for (var b = BitDepth - 1; b >= 0; b--) bits.Add((v >> b) & 1);
                    }
                while (bits.Count % 8 != 0) bits.Add(0);
                for (var i = 0; i < bits.Count; i += 8)
                    raw.WriteByte((byte)Enumerable.Range(0, 8).Sum(k => bits[i + k] << (7 - k)));
            }
        }
        return raw.ToArray();
    }

    public byte[] Build()
    {
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, Width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), Height);
        ihdr[8] = (byte)BitDepth;
        ihdr[9] = (byte)ColorType;
        ihdr[12] = (byte)(Interlaced ? 1 : 0);
        var compressed = new MemoryStream();
        using (var z = new ZLibStream(compressed, CompressionLevel.Fastest, leaveOpen: true)) z.Write(RawScanlines());
        var chunks = new List<(string, byte[])> { ("IHDR", ihdr) };
        chunks.AddRange(_beforeData);
        chunks.Add(("IDAT", compressed.ToArray()));
        chunks.AddRange(_afterData);
        chunks.Add(("IEND", []));
        return Assemble(chunks);
    }

    public static byte[] Assemble(IEnumerable<(string Type, byte[] Body)> chunks)
    {
        var file = new MemoryStream();
        file.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        foreach (var (type, body) in chunks) WriteChunk(file, type, body);
        return file.ToArray();
    }

    public static void WriteChunk(Stream file, string type, byte[] body)
    {
        var word = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, body.Length);
        file.Write(word);
        var typeBytes = System.Text.Encoding.ASCII.GetBytes(type);
        file.Write(typeBytes);
        file.Write(body);
        BinaryPrimitives.WriteUInt32BigEndian(word, Crc32.ComputeNaive([.. typeBytes, .. body]));
        file.Write(word);
    }

    public static ushort[] RandomSamples(int count, int max, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => (ushort)random.Next(max + 1)).ToArray();
    }
}
