namespace VaeWorkbench.Engine.Data;

/// <summary>
/// Where training, scoring and generation draw images from, one batch at a time: the images may be floats in memory
/// (<see cref="ImageDataset"/>), bytes in memory (<see cref="ByteImageSet"/>) or bytes in memory-mapped shards on disk
/// (<see cref="ShardedImageSet"/>), so no consumer needs the whole set as one float array.
/// </summary>
public interface IImageSource
{
    int Count { get; }
    int Channels { get; }
    int Height { get; }
    int Width { get; }
    int PixelCount { get; }

    /// <summary>One label per image (−1 for none), or null when the set has no classes. Small: 4 bytes an image.</summary>
    int[]? Labels { get; }

    /// <summary>
    /// Runs of indices stored together (one per shard; one for a set in memory), in index order and covering 0..Count.
    /// <see cref="EpochOrder"/> shuffles within a window of blocks so that reading stays local to a few shards.
    /// </summary>
    IReadOnlyList<ImageBlock> Blocks { get; }

    /// <summary>How many blocks an epoch's shuffle may mix at once: as many as may be read together within the memory budget.</summary>
    int WindowBlocks { get; }

    /// <summary>indices:(n) -> pixels:(n, C×H×W) floats in [0, 1]; n is indices.Length.</summary>
    void Gather(ReadOnlySpan<int> indices, Span<float> pixels);
}

/// <summary>Images [Start, Start + Count) of a source, stored together.</summary>
public readonly record struct ImageBlock(int Start, int Count);
