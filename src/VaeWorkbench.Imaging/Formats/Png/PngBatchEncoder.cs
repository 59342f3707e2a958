using System.IO.Compression;
using VaeWorkbench.Imaging.Transforms;

namespace VaeWorkbench.Imaging.Formats.Png;

/// <summary>
/// Encodes a batch of images held as the engine's float tensors (images <c>first .. first + count − 1</c> of an
/// n × C·H·W array, values in [0, 1]) to PNG files, split
/// across threads. Each image is encoded on its own, so the bytes do not depend on the thread count.
/// </summary>
public static class PngBatchEncoder
{
    public static byte[][] FromChw(float[] chw, int first, int count, int channels, int height, int width, int threads,
        CompressionLevel level = CompressionLevel.Fastest)
    {
        ArgumentNullException.ThrowIfNull(chw);
        var size = channels * height * width;
        if (first < 0 || count < 0 || ((long)first + count) * size > chw.Length)
            throw new ArgumentException($"images {first}..{(long)first + count - 1} of {channels}x{height}x{width} need {((long)first + count) * size} floats, got {chw.Length}", nameof(count));
        var pngs = new byte[count][];
        var workers = Math.Clamp(Math.Min(threads, count / 16), 1, 64); // a handful of images is not worth a thread
        void EncodePart(int worker)
        {
            for (long i = (long)count * worker / workers, end = (long)count * (worker + 1) / workers; i < end; i++)
                pngs[i] = PngEncoder.Encode(TensorConversion.FromChw(chw.AsSpan((int)(first + i) * size, size), channels, height, width), level);
        }
        // One worker runs inline: a first Parallel.For costs ~15 ms of start-up, and generation workers encode on one thread each.
        if (workers == 1) EncodePart(0);
        else Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers }, EncodePart);
        return pngs;
    }
}
