using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace VaeWorkbench.Web.Tests.Infrastructure;

/// <summary>
/// Writes ZIP archives byte by byte, so tests can build what no archiver would: headers that lie about sizes, central
/// records that point at another entry's data (overlapping entries), symbolic-link modes and hostile names. Only the
/// plain (non-ZIP64) format; every field is written in the open here.
/// </summary>
public sealed class RawZip
{
    private readonly MemoryStream _body = new();
    private readonly List<Record> _records = [];

    private sealed record Record(byte[] Name, ushort Method, uint Crc, uint Compressed, uint Uncompressed, uint UnixMode, uint LocalOffset);

    public int Count => _records.Count;

    /// <summary>Adds an entry; <paramref name="claimedSize"/> replaces the true uncompressed size in both headers (a lie).</summary>
    public RawZip Add(string name, byte[] data, bool deflate = true, uint unixMode = 0x81A4, uint? claimedSize = null)
    {
        var stored = deflate ? Deflate(data) : data;
        var record = new Record(Encoding.UTF8.GetBytes(name), (ushort)(deflate ? 8 : 0), Crc(data), (uint)stored.Length,
            claimedSize ?? (uint)data.Length, unixMode, (uint)_body.Position);
        WriteLocalHeader(record);
        _body.Write(stored);
        _records.Add(record);
        return this;
    }

    /// <summary>A central record named <paramref name="name"/> whose data is entry <paramref name="of"/>'s: the two overlap.</summary>
    public RawZip AddOverlapping(string name, int of)
    {
        _records.Add(_records[of] with { Name = Encoding.UTF8.GetBytes(name) });
        return this;
    }

    public byte[] ToArray()
    {
        using var zip = new MemoryStream();
        _body.Position = 0;
        _body.CopyTo(zip);
        var directoryStart = zip.Position;
        foreach (var r in _records) WriteCentralRecord(zip, r);
        var end = new byte[22];
        BinaryPrimitives.WriteUInt32LittleEndian(end, 0x06054B50);
        BinaryPrimitives.WriteUInt16LittleEndian(end.AsSpan(8), (ushort)_records.Count);
        BinaryPrimitives.WriteUInt16LittleEndian(end.AsSpan(10), (ushort)_records.Count);
        BinaryPrimitives.WriteUInt32LittleEndian(end.AsSpan(12), (uint)(zip.Position - directoryStart));
        BinaryPrimitives.WriteUInt32LittleEndian(end.AsSpan(16), (uint)directoryStart);
        zip.Write(end);
        return zip.ToArray();
    }

    private void WriteLocalHeader(Record r)
    {
        var header = new byte[30];
        BinaryPrimitives.WriteUInt32LittleEndian(header, 0x04034B50);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(4), 20);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(6), 1 << 11); // names are UTF-8
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(8), r.Method);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(14), r.Crc);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(18), r.Compressed);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(22), r.Uncompressed);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(26), (ushort)r.Name.Length);
        _body.Write(header);
        _body.Write(r.Name);
    }

    private static void WriteCentralRecord(Stream zip, Record r)
    {
        var header = new byte[46];
        BinaryPrimitives.WriteUInt32LittleEndian(header, 0x02014B50);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(4), 3 << 8 | 20); // made by Unix, so the mode counts
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(6), 20);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(8), 1 << 11);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(10), r.Method);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(16), r.Crc);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(20), r.Compressed);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(24), r.Uncompressed);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(28), (ushort)r.Name.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(38), r.UnixMode << 16);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(42), r.LocalOffset);
        zip.Write(header);
        zip.Write(r.Name);
    }

    private static byte[] Deflate(byte[] data)
    {
        using var output = new MemoryStream();
        using (var deflate = new DeflateStream(output, CompressionLevel.SmallestSize, leaveOpen: true)) deflate.Write(data);
        return output.ToArray();
    }

    private static uint Crc(byte[] data) => HostileFiles.Crc32(data);
}
