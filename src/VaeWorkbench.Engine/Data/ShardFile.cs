using System.Buffers.Binary;
using System.Security.Cryptography;

namespace VaeWorkbench.Engine.Data;

/// <summary>
/// One shard on disk: a 64-byte header ("VWBS", version, count, channels, height, width, first image index, int32 LE;
/// 4 reserved bytes; the SHA-256 of everything after the header), then count labels (int32 LE, −1 = none), then
/// count × C×H×W pixel bytes, channels first. The pixels start at a fixed offset so the file can be memory-mapped.
/// </summary>
public static class ShardFile
{
    public const int HeaderBytes = 64;
    private const int Version = 1;
    private static ReadOnlySpan<byte> Magic => "VWBS"u8;

    /// <summary>What a shard's header says.</summary>
    public readonly record struct Header(int Count, int Channels, int Height, int Width, int FirstIndex)
    {
        public int PixelCount => Channels * Height * Width;
        public long PixelOffset => HeaderBytes + 4L * Count;
        public long FileLength => PixelOffset + (long)Count * PixelCount;
    }

    /// <summary>Writes a shard of <paramref name="labels"/>.Length images whose bytes are <paramref name="pixels"/>.</summary>
    public static void Write(string path, Header header, ReadOnlySpan<int> labels, ReadOnlySpan<byte> pixels)
    {
        if (labels.Length != header.Count || pixels.Length != (long)header.Count * header.PixelCount)
            throw new ArgumentException($"a shard of {header.Count} images needs {header.Count} labels and {(long)header.Count * header.PixelCount} bytes");
        var labelBytes = new byte[4 * labels.Length];
        for (var i = 0; i < labels.Length; i++) BinaryPrimitives.WriteInt32LittleEndian(labelBytes.AsSpan(4 * i), labels[i]);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(labelBytes);
        sha.AppendData(pixels);
        Span<byte> head = stackalloc byte[HeaderBytes];
        head.Clear();
        Magic.CopyTo(head);
        BinaryPrimitives.WriteInt32LittleEndian(head[4..], Version);
        BinaryPrimitives.WriteInt32LittleEndian(head[8..], header.Count);
        BinaryPrimitives.WriteInt32LittleEndian(head[12..], header.Channels);
        BinaryPrimitives.WriteInt32LittleEndian(head[16..], header.Height);
        BinaryPrimitives.WriteInt32LittleEndian(head[20..], header.Width);
        BinaryPrimitives.WriteInt32LittleEndian(head[24..], header.FirstIndex);
        sha.GetHashAndReset(head[32..]);
        using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
        file.Write(head);
        file.Write(labelBytes);
        file.Write(pixels);
        file.Flush(flushToDisk: true);
    }

    /// <summary>
    /// Checks a shard against what the set expects of it (length, header, checksum, read through the page cache rather
    /// than mapped, so checking does not count against the process's memory) and returns its labels.
    /// Throws <see cref="InvalidDataException"/> naming the file and what is wrong.
    /// </summary>
    public static int[] Verify(string path, Header expected)
    {
        var name = Path.GetFileName(path);
        if (!File.Exists(path)) throw new InvalidDataException($"shard '{name}' is missing");
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.SequentialScan);
        if (file.Length < HeaderBytes) throw new InvalidDataException($"shard '{name}' is truncated: {file.Length} bytes, shorter than its {HeaderBytes}-byte header");
        Span<byte> head = stackalloc byte[HeaderBytes];
        file.ReadExactly(head);
        if (!head[..4].SequenceEqual(Magic) || BinaryPrimitives.ReadInt32LittleEndian(head[4..]) != Version)
            throw new InvalidDataException($"shard '{name}' is not a version-{Version} shard file (bad magic or version)");
        var actual = new Header(BinaryPrimitives.ReadInt32LittleEndian(head[8..]), BinaryPrimitives.ReadInt32LittleEndian(head[12..]),
            BinaryPrimitives.ReadInt32LittleEndian(head[16..]), BinaryPrimitives.ReadInt32LittleEndian(head[20..]), BinaryPrimitives.ReadInt32LittleEndian(head[24..]));
        if (actual != expected)
            throw new InvalidDataException($"shard '{name}' holds {actual.Count} images of {actual.Channels}x{actual.Height}x{actual.Width} from index {actual.FirstIndex}, " +
                $"but the set expects {expected.Count} of {expected.Channels}x{expected.Height}x{expected.Width} from index {expected.FirstIndex}");
        if (file.Length != expected.FileLength)
            throw new InvalidDataException($"shard '{name}' is {(file.Length < expected.FileLength ? "truncated" : "too long")}: {file.Length} bytes, its header implies {expected.FileLength}");

        var labelBytes = new byte[4 * expected.Count];
        file.ReadExactly(labelBytes);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(labelBytes);
        var buffer = new byte[1 << 20];
        int read;
        while ((read = file.Read(buffer)) > 0) sha.AppendData(buffer, 0, read);
        Span<byte> hash = stackalloc byte[32];
        sha.GetHashAndReset(hash);
        if (!hash.SequenceEqual(head[32..]))
            throw new InvalidDataException($"shard '{name}' is corrupt: its contents no longer match the checksum in its header");
        var labels = new int[expected.Count];
        for (var i = 0; i < labels.Length; i++) labels[i] = BinaryPrimitives.ReadInt32LittleEndian(labelBytes.AsSpan(4 * i));
        return labels;
    }
}
