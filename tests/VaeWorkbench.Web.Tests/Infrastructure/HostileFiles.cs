using System.Buffers.Binary;
using System.Net.Http.Headers;
using System.Text;
using VaeWorkbench.Imaging;
using VaeWorkbench.Imaging.Formats.Png;

namespace VaeWorkbench.Web.Tests.Infrastructure;

/// <summary>Hostile upload fixtures built in code: images, lying headers and multipart bodies with exact header bytes.</summary>
public static class HostileFiles
{
    /// <summary>A small noise PNG; different seeds give different content (so no two are duplicates).</summary>
    public static byte[] Png(int seed, int width = 8, int height = 8)
    {
        var pixels = new byte[width * height];
        new Random(seed).NextBytes(pixels);
        return PngEncoder.Encode(new Image(width, height, 1, pixels));
    }

    /// <summary>A real JPEG (40x32, libjpeg quality 100) from the Imaging tests' conformance set.</summary>
    public static byte[] Jpeg() => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "TestData", "40x32_q100.jpg"));

    /// <summary>A valid PNG whose IHDR is rewritten to declare <paramref name="width"/> x <paramref name="height"/> (CRC fixed).</summary>
    public static byte[] PngDeclaring(uint width, uint height)
    {
        var png = Png(1);
        BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(16), width);
        BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(20), height);
        BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(29), Crc32(png.AsSpan(12, 17))); // over "IHDR" and its 13 data bytes
        return png;
    }

    /// <summary>The real JPEG with its SOF rewritten to declare <paramref name="width"/> x <paramref name="height"/>; the scans stay.</summary>
    public static byte[] JpegDeclaring(ushort width, ushort height)
    {
        var jpeg = Jpeg();
        for (var i = 2; i + 9 < jpeg.Length; i++)
        {
            if (jpeg[i] != 0xFF || jpeg[i + 1] is not (0xC0 or 0xC1 or 0xC2)) continue;
            BinaryPrimitives.WriteUInt16BigEndian(jpeg.AsSpan(i + 5), height);
            BinaryPrimitives.WriteUInt16BigEndian(jpeg.AsSpan(i + 7), width);
            return jpeg;
        }
        throw new InvalidOperationException("no SOF marker in the test JPEG");
    }

    /// <summary>CRC-32 (polynomial 0xEDB88320), bit by bit: fixtures are small.</summary>
    public static uint Crc32(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++) crc = (crc >> 1) ^ (0xEDB88320u & (uint)-(int)(crc & 1));
        }
        return ~crc;
    }

    /// <summary>
    /// A multipart/form-data body written byte for byte: <paramref name="files"/> give the exact Content-Disposition
    /// parameters after <c>form-data; name="files"; </c>, so tests can send names no HttpClient helper would.
    /// </summary>
    public static ByteArrayContent Multipart(string datasetName, IEnumerable<(string DispositionParameters, byte[] Bytes)> files, int imageSize = 28, int channels = 1)
    {
        const string boundary = "hostile-boundary-7f3a";
        var body = new MemoryStream();
        void Text(string s) => body.Write(Encoding.UTF8.GetBytes(s));
        foreach (var (name, value) in new[] { ("name", datasetName), ("imageSize", imageSize.ToString()), ("channels", channels.ToString()) })
            Text($"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n");
        foreach (var (parameters, bytes) in files)
        {
            Text($"--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; {parameters}\r\nContent-Type: application/octet-stream\r\n\r\n");
            body.Write(bytes);
            Text("\r\n");
        }
        Text($"--{boundary}--\r\n");
        var content = new ByteArrayContent(body.ToArray());
        content.Headers.ContentType = MediaTypeHeaderValue.Parse($"multipart/form-data; boundary={boundary}");
        return content;
    }

    /// <summary>Work files (uploads being received, imports in progress) left in the data directory.</summary>
    public static string[] WorkFiles(WorkbenchFactory factory) =>
        Directory.Exists(Path.Combine(factory.DataDirectory, "tmp")) ? Directory.GetFiles(Path.Combine(factory.DataDirectory, "tmp")) : [];
}
