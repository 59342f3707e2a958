namespace VaeWorkbench.Engine.Data;

/// <summary>
/// Some of a source's images, by index, without copying them (a training/validation split of a set larger than memory).
/// Over a set in one block the rows keep the order given (so a split feeds the same images in the same places as a copy
/// would); over shards they are sorted, so the subset's blocks follow the source's storage.
/// </summary>
public sealed class ImageSubset : IImageSource
{
    private readonly IImageSource _source;
    private readonly int[] _rows;

    public ImageSubset(IImageSource source, ReadOnlySpan<int> rows)
    {
        if (rows.IsEmpty) throw new ArgumentException("a subset needs at least one image");
        _rows = rows.ToArray();
        var named = new bool[source.Count];
        foreach (var row in _rows)
        {
            if ((uint)row >= (uint)source.Count) throw new ArgumentOutOfRangeException(nameof(rows), $"image {row} is outside 0..{source.Count - 1}");
            if (named[row]) throw new ArgumentException($"image {row} is named twice in the subset");
            named[row] = true;
        }
        if (source.Blocks.Count > 1) Array.Sort(_rows);
        _source = source;
        Labels = source.Labels is { } all ? [.. _rows.Select(r => all[r])] : null;
        Blocks = SplitByBlocks(_rows, source.Blocks);
    }

    public int Count => _rows.Length;
    public int Channels => _source.Channels;
    public int Height => _source.Height;
    public int Width => _source.Width;
    public int PixelCount => _source.PixelCount;
    public int[]? Labels { get; }
    public IReadOnlyList<ImageBlock> Blocks { get; }
    public int WindowBlocks => _source.WindowBlocks;

    public void Gather(ReadOnlySpan<int> indices, Span<float> pixels)
    {
        ImageSourceExtensions.CheckGather(this, indices, pixels);
        Span<int> rows = indices.Length <= 1024 ? stackalloc int[indices.Length] : new int[indices.Length];
        for (var i = 0; i < indices.Length; i++) rows[i] = _rows[indices[i]];
        _source.Gather(rows, pixels);
    }

    // The subset's positions grouped by the source block their image lives in: sorted rows make each group contiguous.
    private static ImageBlock[] SplitByBlocks(int[] rows, IReadOnlyList<ImageBlock> sourceBlocks)
    {
        var blocks = new List<ImageBlock>();
        var position = 0;
        foreach (var block in sourceBlocks)
        {
            var start = position;
            while (position < rows.Length && rows[position] < block.Start + block.Count) position++;
            if (position > start) blocks.Add(new ImageBlock(start, position - start));
        }
        return [.. blocks];
    }
}
