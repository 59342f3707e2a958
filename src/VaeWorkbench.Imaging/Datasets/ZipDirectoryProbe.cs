using System.Buffers.Binary;

namespace VaeWorkbench.Imaging.Datasets;

/// <summary>
/// Reads the entry count a ZIP's end-of-central-directory record declares (ZIP64 included), so an archive
/// announcing millions of entries is refused before <see cref="System.IO.Compression.ZipArchive"/> builds an
/// object for each of them. The count is checked again against the parsed entries afterwards.
/// </summary>
internal static class ZipDirectoryProbe
{
    private const uint EndOfDirectorySignature = 0x06054B50;
    private const uint Zip64LocatorSignature = 0x07064B50;
    private const uint Zip64EndSignature = 0x06064B50;
    private const int EndOfDirectorySize = 22;

    /// <summary>The declared number of entries, or null when no end record is found (ZipArchive then reports the damage).</summary>
    public static long? DeclaredEntryCount(Stream stream)
    {
        var tailLength = (int)Math.Min(stream.Length, EndOfDirectorySize + ushort.MaxValue + 20);
        var tail = new byte[tailLength];
        stream.Position = stream.Length - tailLength;
        stream.ReadExactly(tail);
        stream.Position = 0;
        for (var at = tailLength - EndOfDirectorySize; at >= 0; at--)
        {
            if (BinaryPrimitives.ReadUInt32LittleEndian(tail.AsSpan(at)) != EndOfDirectorySignature) continue;
            long count = BinaryPrimitives.ReadUInt16LittleEndian(tail.AsSpan(at + 10));
            if (count != ushort.MaxValue || at < 20) return count;
            var locator = tail.AsSpan(at - 20);
            if (BinaryPrimitives.ReadUInt32LittleEndian(locator) != Zip64LocatorSignature) return count;
            var zip64End = BinaryPrimitives.ReadInt64LittleEndian(locator[8..]);
            if (zip64End < 0 || zip64End > stream.Length - 56) return count;
            Span<byte> record = stackalloc byte[56];
            stream.Position = zip64End;
            stream.ReadExactly(record);
            stream.Position = 0;
            return BinaryPrimitives.ReadUInt32LittleEndian(record) == Zip64EndSignature ? BinaryPrimitives.ReadInt64LittleEndian(record[32..]) : count;
        }
        return null;
    }
}
