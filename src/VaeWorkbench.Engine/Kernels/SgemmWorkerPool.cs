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
/// The caller runs part 0 itself; worker w runs part w. Every worker acknowledges every job (idle ones too), so no
/// worker can lag into the next job. One job at a time: a caller that finds the pool busy gets false and runs the
/// parts itself (same parts, so the same result bits).
/// </summary>
internal sealed class SgemmWorkerPool
{
    public static readonly SgemmWorkerPool Shared = new();

    /// <summary>How long an idle worker (or the waiting caller) spins before blocking: longer than the gap between GEMMs of a training step.</summary>
    private static readonly long SpinTicks = Stopwatch.Frequency / 5000; // 200 µs

    private readonly object _busy = new();
    private readonly object _startGate = new();
    private readonly object _doneGate = new();
    private readonly List<Thread> _workers = [];
    private IPartitionedWork? _work;
    private int _parts;
    private int _generation;
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
            EnsureWorkers(parts - 1);
            _work = work;
            _parts = parts;
            _failure = null;
            Volatile.Write(ref _pending, _workers.Count);
            lock (_startGate)
            {
                _generation++;
                Monitor.PulseAll(_startGate);
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

            WaitUntil(_doneGate, static (pool, _) => Volatile.Read(ref pool._pending) == 0, this, 0);
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

    private void EnsureWorkers(int count)
    {
        while (_workers.Count < count)
        {
            var index = _workers.Count + 1;
            var seen = _generation; // called before this job's generation is published, so the worker picks it up
            var thread = new Thread(() => WorkerLoop(index, seen)) { IsBackground = true, Name = $"sgemm-worker-{index}" };
            _workers.Add(thread);
            thread.Start();
        }
    }

    private void WorkerLoop(int part, int seen)
    {
        while (true)
        {
            WaitUntil(_startGate, static (pool, last) => Volatile.Read(ref pool._generation) != last, this, seen);
            seen++;
            if (part < _parts)
            {
                try
                {
                    _work!.RunPart(part);
                }
                catch (Exception e)
                {
                    _failure = e;
                }
            }

            if (Interlocked.Decrement(ref _pending) == 0)
            {
                lock (_doneGate)
                {
                    Monitor.PulseAll(_doneGate);
                }
            }
        }
    }

    // Spin for a short while (the common case: the signal comes within microseconds), then sleep on the gate's monitor.
    // Every signaller changes the state and pulses while holding the gate, so the check under the lock cannot miss it.
    private static void WaitUntil(object gate, Func<SgemmWorkerPool, int, bool> condition, SgemmWorkerPool pool, int state)
    {
        var deadline = Stopwatch.GetTimestamp() + SpinTicks;
        var spinner = new SpinWait();
        while (!condition(pool, state))
        {
            if (Stopwatch.GetTimestamp() > deadline)
            {
                lock (gate)
                {
                    while (!condition(pool, state))
                    {
                        Monitor.Wait(gate);
                    }
                }

                return;
            }

            spinner.SpinOnce(sleep1Threshold: -1);
        }
    }
}
