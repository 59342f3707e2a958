namespace VaeWorkbench.Engine;

/// <summary>
/// Splits work into one contiguous range per thread. The split depends only on the count and the thread count,
/// and no range writes another's output, so results are identical run to run for a given thread count.
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
        Parallel.For(0, parts, new ParallelOptions { MaxDegreeOfParallelism = parts }, p =>
        {
            var start = (int)((long)count * p / parts);
            var end = (int)((long)count * (p + 1) / parts);
            body(start, end);
        });
    }
}
