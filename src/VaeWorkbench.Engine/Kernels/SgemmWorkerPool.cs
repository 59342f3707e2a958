using System.Diagnostics;

namespace VaeWorkbench.Engine.Kernels;

/// <summary>One piece of a statically partitioned job: part p always does the same work, whichever thread runs it.</summary>
internal interface IPartitionedWork
{
    void RunPart(int part);
}

/// <summary>
/// A cheap fork-join for the GEMM: persistent background workers that spin briefly before sleeping, so the
/// back-to-back small GEMMs of a training step do not pay thread wake-up or Parallel.For overhead on every call.
/// The caller runs part 0 itself and signals worker w for part w; workers a job does not need stay asleep.
/// One job at a time: a caller that finds the pool busy gets false and runs the parts itself (same parts, so the
/// same result bits).
/// </summary>
internal sealed class SgemmWorkerPool
{
    public static readonly SgemmWorkerPool Shared = new();

    /// <summary>How long an idle worker (or the waiting caller) spins before blocking: longer than the gap between GEMMs of a training step.</summary>
    private static readonly long SpinTicks = Stopwatch.Frequency / 5000; // 200 µs

    private readonly object _busy = new();
    private readonly object _doneGate = new();
    private readonly List<Worker> _workers = [];
    private IPartitionedWork? _work;
    private int _pending;
    private Exception? _failure;

    /// <summary>Runs parts 0..parts-1 across the caller and parts-1 workers, and returns once all are done; false if another job holds the pool.</summary>
    public bool TryRun(int parts, IPartitionedWork work)
    {
        if (!Monitor.TryEnter(_busy))
        {
            return false;
        }

        try
        {
            while (_workers.Count < parts - 1)
            {
                _workers.Add(new Worker(this, _workers.Count + 1));
            }

            // Publish the job before any worker is signalled; a worker reads it only after seeing its own signal,
            // and this call returns only after every signalled worker has finished, so no worker sees a later job.
            _work = work;
            _failure = null;
            Volatile.Write(ref _pending, parts - 1);
            for (var w = 0; w < parts - 1; w++)
            {
                _workers[w].Signal();
            }

            Exception? own = null;
            try
            {
                work.RunPart(0);
            }
            catch (Exception e)
            {
                own = e;
            }

            WaitUntil(_doneGate, static pool => Volatile.Read(ref pool._pending) == 0, this);
            _work = null;
            var failure = own ?? _failure;
            if (failure is not null)
            {
                throw new InvalidOperationException("A GEMM worker failed.", failure);
            }

            return true;
        }
        finally
        {
            Monitor.Exit(_busy);
        }
    }

    private void Finished()
    {
        if (Interlocked.Decrement(ref _pending) == 0)
        {
            lock (_doneGate)
            {
                Monitor.PulseAll(_doneGate);
            }
        }
    }

    // Spin for a short while (the common case: the signal comes within microseconds), then sleep on the gate's monitor.
    // Every signaller changes the state and pulses while holding the gate, so the check under the lock cannot miss it.
    private static void WaitUntil<T>(object gate, Func<T, bool> condition, T state)
    {
        var deadline = Stopwatch.GetTimestamp() + SpinTicks;
        var spinner = new SpinWait();
        while (!condition(state))
        {
            if (Stopwatch.GetTimestamp() > deadline)
            {
                lock (gate)
                {
                    while (!condition(state))
                    {
                        Monitor.Wait(gate);
                    }
                }

                return;
            }

            spinner.SpinOnce(sleep1Threshold: -1);
        }
    }

    /// <summary>A background thread that runs one fixed part number whenever its own request counter moves.</summary>
    private sealed class Worker
    {
        private readonly SgemmWorkerPool _pool;
        private readonly int _part;
        private readonly object _gate = new();
        private int _requested; // jobs signalled to this worker
        private int _served;    // jobs it has finished; written only by its own thread

        public Worker(SgemmWorkerPool pool, int part)
        {
            (_pool, _part) = (pool, part);
            new Thread(Loop) { IsBackground = true, Name = $"sgemm-worker-{part}" }.Start();
        }

        public void Signal()
        {
            lock (_gate)
            {
                _requested++;
                Monitor.Pulse(_gate);
            }
        }

        private void Loop()
        {
            while (true)
            {
                WaitUntil(_gate, static worker => Volatile.Read(ref worker._requested) != worker._served, this);
                _served++;
                try
                {
                    _pool._work!.RunPart(_part);
                }
                catch (Exception e)
                {
                    _pool._failure = e;
                }

                _pool.Finished();
            }
        }
    }
}
