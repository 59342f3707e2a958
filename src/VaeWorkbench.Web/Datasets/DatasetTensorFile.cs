using System.Buffers.Binary;
using VaeWorkbench.Engine.Data;

namespace VaeWorkbench.Web.Datasets;

/// <summary>
/// A whole normalised dataset in one file, so training loads it with one read instead of decoding every PNG:
/// "VWBT", version, count, channels, height, width (int32 LE), then count labels (int32, -1 = none),
/// then count × C×H×W pixel bytes, channels first. Stored in the blob store; the dataset row keeps its hash.
/// </summary>
public static class DatasetTensorFile
{
    private const int Version = 1;
    private static ReadOnlySpan<byte> Magic => "VWBT"u8;
    private const int HeaderBytes = 24;

    /// <summary>Streams a header, the labels and then each image's CHW bytes (in index order) to <paramref name="output"/>.</summary>
    public static void Write(Stream output, int channels, int size, IReadOnlyList<int?> labels, IEnumerable<byte[]> chwImages)
    {
        Span<byte> header = stackalloc byte[HeaderBytes];
        Magic.CopyTo(header);
        BinaryPrimitives.WriteInt32LittleEndian(header[4..], Version);
        BinaryPrimitives.WriteInt32LittleEndian(header[8..], labels.Count);
        BinaryPrimitives.WriteInt32LittleEndian(header[12..], channels);
        BinaryPrimitives.WriteInt32LittleEndian(header[16..], size);
        BinaryPrimitives.WriteInt32LittleEndian(header[20..], size);
        output.Write(header);
        Span<byte> word = stackalloc byte[4];
        foreach (var label in labels)
        {
            BinaryPrimitives.WriteInt32LittleEndian(word, label ?? -1);
            output.Write(word);
        }
        var expected = channels * size * size;
        var written = 0;
        foreach (var image in chwImages)
        {
            if (image.Length != expected) throw new ArgumentException($"image {written} has {image.Length} bytes, expected {expected}");
            output.Write(image);
            written++;
        }
        if (written != labels.Count) throw new ArgumentException($"{labels.Count} labels but {written} images");
    }

    /// <summary>What the header and label block say; the stream is left at the first pixel byte.</summary>
    public sealed record Contents(int Count, int Channels, int Height, int Width, int[]? Labels)
    {
        public long PixelBytes => (long)Count * Channels * Height * Width;
    }

    /// <summary>Reads the file into the engine's dataset (pixels / 255). Validates the header against the file length.</summary>
    public static ImageDataset Read(Stream input)
    {
        var contents = ReadHeader(input);
        var bytes = new byte[contents.PixelBytes];
        input.ReadExactly(bytes);
        return ImageDataset.FromBytes(bytes, contents.Count, contents.Channels, contents.Height, contents.Width, contents.Labels);
    }

    /// <summary>Reads and checks the header and the labels, leaving <paramref name="input"/> at the pixels.</summary>
    public static Contents ReadHeader(Stream input)
    {
        Span<byte> header = stackalloc byte[HeaderBytes];
        input.ReadExactly(header);
        if (!header[..4].SequenceEqual(Magic) || BinaryPrimitives.ReadInt32LittleEndian(header[4..]) != Version)
            throw new InvalidDataException("not a dataset tensor file (bad magic or version)");
        var count = BinaryPrimitives.ReadInt32LittleEndian(header[8..]);
        var channels = BinaryPrimitives.ReadInt32LittleEndian(header[12..]);
        var height = BinaryPrimitives.ReadInt32LittleEndian(header[16..]);
        var width = BinaryPrimitives.ReadInt32LittleEndian(header[20..]);
        if (count <= 0 || channels is not (1 or 3) || height is <= 0 or > 4096 || width is <= 0 or > 4096)
            throw new InvalidDataException($"dataset tensor header is invalid: {count} images of {channels}x{height}x{width}");
        var pixelCount = (long)count * channels * height * width;
        if (input.CanSeek && input.Length != HeaderBytes + 4L * count + pixelCount)
            throw new InvalidDataException($"dataset tensor file is {input.Length} bytes, its header implies {HeaderBytes + 4L * count + pixelCount}");

        var labelBytes = new byte[4 * count];
        input.ReadExactly(labelBytes);
        var labels = new int[count];
        var anyLabel = false;
        for (var i = 0; i < count; i++)
        {
            labels[i] = BinaryPrimitives.ReadInt32LittleEndian(labelBytes.AsSpan(4 * i));
            anyLabel |= labels[i] >= 0;
        }
        return new Contents(count, channels, height, width, anyLabel ? labels : null);
    }
}
