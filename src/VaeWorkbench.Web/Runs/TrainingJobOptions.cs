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

    public int ResolveThreads(int? requested) =>
        requested ?? (DefaultThreads > 0 ? DefaultThreads : Environment.ProcessorCount);
}
