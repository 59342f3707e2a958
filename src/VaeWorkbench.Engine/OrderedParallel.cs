namespace VaeWorkbench.Engine;

/// <summary>
/// Runs <c>work</c> on <c>workers</c> dedicated threads over a sequence whose items must be taken in order (the
/// sequence is enumerated under a lock, one item at a time), and hands the results to <c>consume</c> on the calling
/// thread in the same order. At most <c>lookahead</c> items are taken ahead of the last one consumed, so memory stays
/// bounded. Generation uses it to decode and encode whole chunks on separate model replicas: one thread per chunk
/// with no fork-join inside it did twice the work per thread that splitting each chunk's GEMMs and PNGs did
/// (`vae generate --threads 1` against `--threads 2`).
/// The first exception, from the sequence, a worker or <c>consume</c>, stops the rest and is rethrown here.
/// </summary>
public static class OrderedParallel
{
    public static void Run<TIn, TOut>(IEnumerable<TIn> items, int workers, int lookahead, Func<int, TIn, TOut> work, Action<TOut> consume)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentOutOfRangeException.ThrowIfLessThan(workers, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(lookahead, workers);
        var state = new State<TIn, TOut>(items.GetEnumerator(), lookahead);
        var threads = new Thread[workers];
        for (var w = 0; w < workers; w++)
        {
            var worker = w;
            threads[w] = new Thread(() => state.Work(worker, work)) { IsBackground = true, Name = $"ordered-worker-{w}" };
            threads[w].Start();
        }
        try
        {
            while (state.TakeNext(out var result)) consume(result);
        }
        catch (Exception e)
        {
            state.Fail(e);
        }
        finally
        {
            state.Stop();
            foreach (var thread in threads) thread.Join();
            state.Dispose();
        }
        state.ThrowIfFailed();
    }

    private sealed class State<TIn, TOut>(IEnumerator<TIn> source, int lookahead) : IDisposable
    {
        private readonly object _gate = new();
        // Results waiting to be consumed, in a ring: at most `lookahead` items are taken past the last one consumed, so
        // item i always has slot i mod lookahead to itself. (A dictionary here was generic code the JIT compiled at
        // every start.)
        private readonly TOut[] _results = new TOut[lookahead];
        private readonly bool[] _ready = new bool[lookahead];
        private long _taken, _consumed;
        private bool _exhausted, _stopped;
        private Exception? _failure;

        public void Work(int worker, Func<int, TIn, TOut> work)
        {
            while (true)
            {
                long index;
                TIn item;
                lock (_gate)
                {
                    while (!_stopped && _failure is null && !_exhausted && _taken - _consumed >= lookahead) Monitor.Wait(_gate);
                    if (_stopped || _failure is not null || _exhausted) return;
                    try
                    {
                        if (!source.MoveNext())
                        {
                            _exhausted = true;
                            Monitor.PulseAll(_gate);
                            return;
                        }
                    }
                    catch (Exception e)
                    {
                        FailLocked(e);
                        return;
                    }
                    (index, item) = (_taken++, source.Current);
                }
                TOut result;
                try
                {
                    result = work(worker, item);
                }
                catch (Exception e)
                {
                    Fail(e);
                    return;
                }
                lock (_gate)
                {
                    var slot = (int)(index % _results.Length);
                    (_results[slot], _ready[slot]) = (result, true);
                    Monitor.PulseAll(_gate);
                }
            }
        }

        // The next result in order, waiting for it; false when every item has been consumed or something failed.
        public bool TakeNext(out TOut result)
        {
            lock (_gate)
            {
                var slot = (int)(_consumed % _results.Length);
                while (_failure is null && !_ready[slot] && !(_exhausted && _consumed == _taken)) Monitor.Wait(_gate);
                result = default!;
                if (_failure is not null || !_ready[slot]) return false;
                (result, _results[slot], _ready[slot]) = (_results[slot], default!, false);
                _consumed++;
                Monitor.PulseAll(_gate);
                return true;
            }
        }

        public void Fail(Exception e)
        {
            lock (_gate) FailLocked(e);
        }

        public void Stop()
        {
            lock (_gate)
            {
                _stopped = true;
                Monitor.PulseAll(_gate);
            }
        }

        public void ThrowIfFailed()
        {
            if (_failure is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(_failure).Throw();
        }

        public void Dispose() => source.Dispose();

        private void FailLocked(Exception e)
        {
            _failure ??= e;
            Monitor.PulseAll(_gate);
        }
    }
}
