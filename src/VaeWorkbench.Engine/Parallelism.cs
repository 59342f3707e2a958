using VaeWorkbench.Engine.Kernels;

namespace VaeWorkbench.Engine;

/// <summary>
/// Splits work into one contiguous range per thread. The split depends only on the count and the thread count,
/// and no range writes another's output, so results are identical run to run for a given thread count.
/// Ranges run on the GEMM's persistent workers (no thread-pool wake-up per call); if the pool is busy, the caller
/// runs the same ranges itself, which gives the same bits.
/// </summary>
public static class Parallelism
{
    /// <summary>Runs <paramref name="body"/>(start, end) over [0, count) in at most <paramref name="threads"/> ranges.</summary>
    public static void For(int count, int threads, int minPerThread, Action<int, int> body)
    {
        var parts = Math.Min(threads, count / Math.Max(1, minPerThread));
        if (parts <= 1)
        {
            if (count > 0) body(0, count);
            return;
        }
        var work = new RangeWork(count, parts, body);
        if (!SgemmWorkerPool.Shared.TryRun(parts, work))
        {
            for (var p = 0; p < parts; p++) work.RunPart(p);
        }
    }

    private sealed class RangeWork(int count, int parts, Action<int, int> body) : IPartitionedWork
    {
        public void RunPart(int part) => body((int)((long)count * part / parts), (int)((long)count * (part + 1) / parts));
    }
}
