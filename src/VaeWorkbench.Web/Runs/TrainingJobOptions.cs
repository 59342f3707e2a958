namespace VaeWorkbench.Web.Runs;

/// <summary>How the server runs training jobs. Bound from the <c>Training</c> section.</summary>
public sealed class TrainingJobOptions : Jobs.ILeaseTimings
{
    public const string SectionName = "Training";

    /// <summary>Training jobs that run at the same time; the rest wait in the queue in order.</summary>
    public int MaxConcurrentRuns { get; set; } = 1;

    /// <summary>Threads a run uses unless it asks for a number; 0 means one per processor.</summary>
    public int DefaultThreads { get; set; }

    /// <summary>
    /// How long a server's claim on a running job lasts without renewal. After a crash the job is picked up again
    /// once its lease lapses, so this is also the longest a killed server's runs wait before resuming.
    /// </summary>
    public int LeaseSeconds { get; set; } = 30;

    /// <summary>How often a running job renews its lease and checks for cancellation.</summary>
    public int HeartbeatSeconds { get; set; } = 5;

    /// <summary>How often an idle server looks for queued work it was not told about (another server's, or after a crash).</summary>
    public int PollSeconds { get; set; } = 5;

    /// <summary>
    /// Most pixel bytes one job (training, scoring or generation) holds in memory. A dataset larger than this is read from
    /// memory-mapped shards under the data directory's <c>shards</c> folder instead, cut on first use, with at most half
    /// the budget mapped at a time. Pixels are held as bytes, so a 64×64 RGB image costs 12,288 bytes.
    /// </summary>
    public int MemoryBudgetMegabytes { get; set; } = 2048;

    public long MemoryBudgetBytes => MemoryBudgetMegabytes * 1048576L;

    public int ResolveThreads(int? requested) =>
        requested ?? (DefaultThreads > 0 ? DefaultThreads : Environment.ProcessorCount);
}
