namespace VaeWorkbench.Engine.Kernels;

/// <summary>The per-call state the worker pool hands to each part; recycled so a GEMM call allocates nothing.</summary>
internal sealed class SgemmParallelJob : IPartitionedWork
{
    private static SgemmParallelJob? s_spare;
    private SgemmProblem _problem;
    private SgemmDriver.SgemmSplit _split;

    public static SgemmParallelJob Rent(in SgemmProblem problem, SgemmDriver.SgemmSplit split)
    {
        var job = Interlocked.Exchange(ref s_spare, null) ?? new SgemmParallelJob();
        job._problem = problem;
        job._split = split;
        return job;
    }

    public static void Return(SgemmParallelJob job)
    {
        job._problem = default;
        Volatile.Write(ref s_spare, job);
    }

    public void RunPart(int part)
    {
        if (_split.AlongColumns)
        {
            var (start, end) = _split.Range(part, _problem.N);
            SgemmDriver.RunRectangle(_problem, 0, _problem.M, start, end);
        }
        else
        {
            var (start, end) = _split.Range(part, _problem.M);
            SgemmDriver.RunRectangle(_problem, start, end, 0, _problem.N);
        }
    }
}
