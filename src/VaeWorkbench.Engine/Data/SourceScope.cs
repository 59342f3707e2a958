namespace VaeWorkbench.Engine.Data;

/// <summary>The image sources a job opened, released together when it ends (shards are unmapped; sets in memory need nothing).</summary>
public sealed class SourceScope : IDisposable
{
    private readonly List<IDisposable> _owned = [];

    public T Add<T>(T source) where T : IImageSource
    {
        if (source is IDisposable disposable) _owned.Add(disposable);
        return source;
    }

    public void Dispose()
    {
        foreach (var owned in _owned) owned.Dispose();
        _owned.Clear();
    }
}
