using System.Buffers.Binary;
using System.IO.Compression;
using VaeWorkbench.Imaging.Formats;

namespace VaeWorkbench.Web.Datasets;

/// <summary>
/// The first bytes of an uploaded IDX file (plain or gzip): how many dimensions and records it declares. Enough to pair
/// an image file (3 dimensions) with its label file (1 dimension) by record count, before either payload is read.
/// </summary>
public sealed record IdxFileHeader(int Dimensions, int Count)
{
    /// <summary>True for files that start like IDX or like gzip (MNIST files are usually shipped gzipped).</summary>
    public static bool LooksLikeIdxOrGzip(ReadOnlySpan<byte> head) =>
        IdxReader.LooksLikeIdx(head) || UploadKinds.IsGzip(head);

    /// <summary>Reads the header, or returns null when the file is not IDX (for example a gzip of something else).</summary>
    public static IdxFileHeader? TryRead(string path)
    {
        try
        {
            using var file = File.OpenRead(path);
            Span<byte> two = stackalloc byte[2];
            if (file.ReadAtLeast(two, 2, throwOnEndOfStream: false) < 2) return null;
            file.Position = 0;
            using Stream input = two[0] == 0x1F && two[1] == 0x8B ? new GZipStream(file, CompressionMode.Decompress) : file;
            Span<byte> magic = stackalloc byte[4];
            if (input.ReadAtLeast(magic, 4, throwOnEndOfStream: false) < 4 || !IdxReader.LooksLikeIdx(magic)) return null;
            Span<byte> count = stackalloc byte[4];
            if (input.ReadAtLeast(count, 4, throwOnEndOfStream: false) < 4) return null;
            var records = BinaryPrimitives.ReadInt32BigEndian(count);
            return records < 0 ? null : new IdxFileHeader(magic[3], records);
        }
        catch (Exception e) when (e is IOException or InvalidDataException)
        {
            return null;
        }
    }
}
