using System.IO.MemoryMappedFiles;

namespace VaeWorkbench.Engine.Data;

/// <summary>
/// One shard file mapped read-only. Disposing unmaps it, which is what takes its pages out of the process's resident
/// set: <see cref="ShardedImageSet"/> keeps only a window's shards mapped.
/// </summary>
internal sealed unsafe class MappedShard : IDisposable
{
    private readonly MemoryMappedFile _file;
    private readonly MemoryMappedViewAccessor _view;
    private readonly byte* _pixels;
    private readonly int _pixelCount;
    private readonly int _count;

    public MappedShard(string path, ShardFile.Header header)
    {
        _file = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
        _view = _file.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
        if (_view.Capacity < header.FileLength)
        {
            Dispose();
            throw new InvalidDataException($"shard '{Path.GetFileName(path)}' shrank to {_view.Capacity} bytes after it was checked ({header.FileLength} expected)");
        }
        byte* start = null;
        _view.SafeMemoryMappedViewHandle.AcquirePointer(ref start);
        _pixels = start + _view.PointerOffset + header.PixelOffset;
        _pixelCount = header.PixelCount;
        _count = header.Count;
    }

    /// <summary>Image <paramref name="local"/> of this shard, (C, H, W) bytes.</summary>
    public ReadOnlySpan<byte> Image(int local)
    {
        if ((uint)local >= (uint)_count) throw new ArgumentOutOfRangeException(nameof(local));
        return new ReadOnlySpan<byte>(_pixels + (long)local * _pixelCount, _pixelCount);
    }

    public void Dispose()
    {
        if (_pixels is not null) _view.SafeMemoryMappedViewHandle.ReleasePointer();
        _view.Dispose();
        _file.Dispose();
    }
}
