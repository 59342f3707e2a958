using System.Buffers.Binary;
using System.Security.Cryptography;

namespace VaeWorkbench.Imaging.Datasets;

/// <summary>
/// Content hashes for duplicate detection. Images are hashed by their decoded pixels, not their file bytes, so the
/// same picture saved as PNG and as BMP, or re-compressed, counts as a duplicate.
/// </summary>
public static class ContentHash
{
    /// <summary>Lower-case hex SHA-256 over width, height, channels (32-bit little-endian each) and then the pixel bytes.</summary>
    public static string Of(Image image)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> shape = stackalloc byte[12];
        BinaryPrimitives.WriteInt32LittleEndian(shape, image.Width);
        BinaryPrimitives.WriteInt32LittleEndian(shape[4..], image.Height);
        BinaryPrimitives.WriteInt32LittleEndian(shape[8..], image.Channels);
        sha.AppendData(shape);
        sha.AppendData(image.Pixels);
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }
}
