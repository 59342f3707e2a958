using System.IO.Compression;

namespace VaeWorkbench.Onnx;

/// <summary>The two exported ONNX files and the README.txt that describes them.</summary>
public sealed record OnnxExport(byte[] Encoder, byte[] Decoder, string Readme)
{
    public const string EncoderFile = "encoder.onnx";
    public const string DecoderFile = "decoder.onnx";
    public const string ReadmeFile = "README.txt";

    private IEnumerable<(string Name, byte[] Bytes)> Files =>
        [(EncoderFile, Encoder), (DecoderFile, Decoder), (ReadmeFile, System.Text.Encoding.UTF8.GetBytes(Readme))];

    /// <summary>Writes the three files into <paramref name="directory"/>, creating it; existing files of those names are replaced.</summary>
    public void WriteDirectory(string directory)
    {
        Directory.CreateDirectory(directory);
        foreach (var (name, bytes) in Files) File.WriteAllBytes(Path.Combine(directory, name), bytes);
    }

    /// <summary>A ZIP of the three files, at its root.</summary>
    public byte[] ToZip()
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, bytes) in Files)
            {
                using var entry = zip.CreateEntry(name, CompressionLevel.Optimal).Open();
                entry.Write(bytes);
            }
        }
        return buffer.ToArray();
    }
}
