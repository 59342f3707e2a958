using System.Collections.Concurrent;

namespace VaeWorkbench.Cli;

/// <summary>
/// Runs work items one after another, in the order posted, on one background thread, at most <c>depth</c> items
/// behind the caller. Generation uses it to write one chunk's files while the next chunk is decoded and encoded: the
/// writing is serial, and done inline it left the second core idle for that long. A failure of any item is thrown
/// from the next <see cref="Post"/> or from <see cref="Complete"/>; nothing after it runs.
/// </summary>
internal sealed class OrderedBackgroundWork : IDisposable
{
    private readonly BlockingCollection<Action> _queue;
    private readonly CancellationTokenSource _failed = new();
    private readonly Task _worker;

    public OrderedBackgroundWork(int depth)
    {
        _queue = new BlockingCollection<Action>(depth);
        _worker = Task.Factory.StartNew(Drain, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    public void Post(Action work)
    {
        try
        {
            _queue.Add(work, _failed.Token);
        }
        catch (OperationCanceledException) when (_failed.IsCancellationRequested)
        {
            Complete(); // throws the item's exception
        }
    }

    /// <summary>Waits for every posted item; throws the first failure.</summary>
    public void Complete()
    {
        if (!_queue.IsAddingCompleted) _queue.CompleteAdding();
        _worker.GetAwaiter().GetResult();
    }

    public void Dispose()
    {
        if (!_queue.IsAddingCompleted) _queue.CompleteAdding();
        try
        {
            _worker.Wait();
        }
        catch (AggregateException)
        {
            // Already thrown to the caller by Post or Complete, or the caller is unwinding from its own exception.
        }
        _queue.Dispose();
        _failed.Dispose();
    }

    private void Drain()
    {
        try
        {
            foreach (var work in _queue.GetConsumingEnumerable()) work();
        }
        catch
        {
            _failed.Cancel();
            throw;
        }
    }
}
