using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using VaeWorkbench.Imaging.Formats;

namespace VaeWorkbench.Imaging.Datasets;

/// <summary>
/// Writes a ZIP archive front to back on any stream, never seeking, so it can go straight into an HTTP response body.
/// Every entry's bytes are known before its header is written, so each local header already carries the CRC and sizes
/// (no data descriptors), which every reader handles. System.IO.Compression's <c>ZipArchive</c> did the same job at
/// several times the cost per small entry (measured with <c>vae generate</c> under perf: a seek and a write system call
/// per entry to patch the header, a time-zone lookup per entry, and every entry's objects kept until the end).
/// The central directory waits in a temporary file that deletes itself, so memory stays flat at any entry count.
/// Past 65,535 entries or 4 GiB of offsets the archive gets ZIP64 end records (APPNOTE 4.3.14–4.3.16).
/// </summary>
public sealed class ZipStreamWriter : IDisposable
{
    private const ushort VersionDeflate = 20, VersionZip64 = 45;
    private const ushort Utf8Names = 1 << 11;
    private const uint Max32 = uint.MaxValue;

    private readonly Stream _output;
    private readonly ushort _dosTime, _dosDate;
    private readonly FileStream _directory = new(Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose);
    private readonly byte[] _header = new byte[46 + ushort.MaxValue + 12];
    private long _position;
    private long _entries;
    private bool _finished;

    /// <param name="modified">The time stamped on every entry (one time for the whole archive, as an export is one act).</param>
    public ZipStreamWriter(Stream output, DateTime modified)
    {
        _output = output ?? throw new ArgumentNullException(nameof(output));
        _position = output.CanSeek ? output.Position : 0; // offsets count from the start of the file, past any prefix
        var t = modified.Year < 1980 ? new DateTime(1980, 1, 1) : modified;
        _dosTime = (ushort)(t.Hour << 11 | t.Minute << 5 | t.Second / 2);
        _dosDate = (ushort)((t.Year - 1980) << 9 | t.Month << 5 | t.Day);
    }

    public long EntryCount => _entries;

    /// <summary>Adds an entry stored as is (for data that is compressed already, such as PNG).</summary>
    public void AddStored(string name, ReadOnlySpan<byte> data) =>
        WriteEntry(name, method: 0, Crc32.Compute(data), data.Length, data.Length, data);

    /// <summary>
    /// Adds <paramref name="content"/> (read to its end) deflated. It is compressed into a temporary file first, so
    /// the header can carry the sizes; memory stays flat however long the content is.
    /// </summary>
    public void AddDeflated(string name, Stream content)
    {
        using var compressed = new FileStream(Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose);
        var crc = Crc32.Start;
        long length = 0;
        var buffer = new byte[1 << 16];
        using (var deflate = new DeflateStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            for (int read; (read = content.Read(buffer)) > 0; length += read)
            {
                crc = Crc32.Update(crc, buffer.AsSpan(0, read));
                deflate.Write(buffer, 0, read);
            }
        }
        if (compressed.Length >= Max32 || length >= Max32) throw new NotSupportedException($"ZIP entry '{name}' is 4 GiB or more");
        WriteEntry(name, method: 8, Crc32.Finish(crc), compressed.Length, length, []);
        compressed.Position = 0;
        compressed.CopyTo(_output);
        _position += compressed.Length;
    }

    /// <summary>Writes the central directory and the end records. Nothing can be added afterwards.</summary>
    public void Finish()
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        _finished = true;
        var directoryOffset = _position;
        _directory.Position = 0;
        _directory.CopyTo(_output);
        var directorySize = _directory.Length;
        _position += directorySize;
        Span<byte> end = stackalloc byte[56 + 20 + 22];
        var n = 0;
        if (_entries >= ushort.MaxValue || directoryOffset >= Max32 || directorySize >= Max32)
        {
            var zip64End = _position;
            n = Put32(end, n, 0x06064b50);
            n = Put64(end, n, 44); // the size of the rest of this record
            n = Put16(end, n, VersionZip64);
            n = Put16(end, n, VersionZip64);
            n = Put32(end, n, 0); // this disk
            n = Put32(end, n, 0); // the disk the directory starts on
            n = Put64(end, n, _entries);
            n = Put64(end, n, _entries);
            n = Put64(end, n, directorySize);
            n = Put64(end, n, directoryOffset);
            n = Put32(end, n, 0x07064b50); // locator
            n = Put32(end, n, 0);
            n = Put64(end, n, zip64End);
            n = Put32(end, n, 1); // disks in all
        }
        n = Put32(end, n, 0x06054b50);
        n = Put16(end, n, 0);
        n = Put16(end, n, 0);
        n = Put16(end, n, (ushort)Math.Min(_entries, ushort.MaxValue));
        n = Put16(end, n, (ushort)Math.Min(_entries, ushort.MaxValue));
        n = Put32(end, n, (uint)Math.Min(directorySize, Max32));
        n = Put32(end, n, (uint)Math.Min(directoryOffset, Max32));
        n = Put16(end, n, 0); // comment length
        _output.Write(end[..n]);
        _position += n;
        _output.Flush();
    }

    public void Dispose() => _directory.Dispose();

    private void WriteEntry(string name, ushort method, uint crc, long compressedSize, long size, ReadOnlySpan<byte> data)
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        var nameLength = Encoding.UTF8.GetByteCount(name);
        if (nameLength is 0 or > ushort.MaxValue) throw new ArgumentException($"ZIP entry names must be 1 to 65,535 bytes long (UTF-8), not {nameLength}", nameof(name));
        if (compressedSize >= Max32) throw new NotSupportedException($"ZIP entry '{name}' is 4 GiB or more");
        var offset = _position;

        // Local header: sizes fit 32 bits (checked above), so it never needs a ZIP64 extra field.
        var h = _header.AsSpan();
        var n = Put32(h, 0, 0x04034b50);
        n = Put16(h, n, VersionDeflate);
        n = Fields(h, n, method, crc, compressedSize, size, nameLength, extraLength: 0);
        n += Encoding.UTF8.GetBytes(name, h[n..]);
        _output.Write(h[..n]);
        _output.Write(data);
        _position += n + data.Length;

        // Central directory record, with a ZIP64 extra field for the offset once it passes 4 GiB.
        var zip64 = offset >= Max32;
        n = Put32(h, 0, 0x02014b50);
        n = Put16(h, n, VersionZip64); // made by: the highest feature this writer may use
        n = Put16(h, n, zip64 ? VersionZip64 : VersionDeflate);
        n = Fields(h, n, method, crc, compressedSize, size, nameLength, extraLength: zip64 ? 12 : 0);
        n = Put16(h, n, 0); // comment length
        n = Put16(h, n, 0); // disk
        n = Put16(h, n, 0); // internal attributes
        n = Put32(h, n, 0); // external attributes
        n = Put32(h, n, zip64 ? Max32 : (uint)offset);
        n += Encoding.UTF8.GetBytes(name, h[n..]);
        if (zip64)
        {
            n = Put16(h, n, 0x0001);
            n = Put16(h, n, 8);
            n = Put64(h, n, offset);
        }
        _directory.Write(h[..n]);
        _entries++;
    }

    // The fields local headers and directory records share, from the flags to the extra field's length.
    private int Fields(Span<byte> h, int n, ushort method, uint crc, long compressedSize, long size, int nameLength, int extraLength)
    {
        n = Put16(h, n, Utf8Names);
        n = Put16(h, n, method);
        n = Put16(h, n, _dosTime);
        n = Put16(h, n, _dosDate);
        n = Put32(h, n, crc);
        n = Put32(h, n, (uint)compressedSize);
        n = Put32(h, n, (uint)size);
        n = Put16(h, n, (ushort)nameLength);
        return Put16(h, n, (ushort)extraLength);
    }

    private static int Put16(Span<byte> b, int at, ushort value)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(b[at..], value);
        return at + 2;
    }

    private static int Put32(Span<byte> b, int at, uint value)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(b[at..], value);
        return at + 4;
    }

    private static int Put64(Span<byte> b, int at, long value)
    {
        BinaryPrimitives.WriteInt64LittleEndian(b[at..], value);
        return at + 8;
    }
}
