namespace VaeWorkbench.Web.Scoring;

/// <summary>How the server runs scoring jobs. Bound from the <c>Scoring</c> section.</summary>
public sealed class ScoringOptions : Jobs.ILeaseTimings
{
    public const string SectionName = "Scoring";

    /// <summary>Largest K (samples per image) a job may ask for.</summary>
    public int MaxSamples { get; set; } = 1000;

    /// <summary>Threads a scoring job uses; 0 means one per processor.</summary>
    public int Threads { get; set; }

    /// <summary>How long a server's claim on a running job lasts without renewal; a lapsed job is claimed again and restarts.</summary>
    public int LeaseSeconds { get; set; } = 120;

    /// <summary>How often a running job renews its lease, between its chunks of progress too.</summary>
    public int HeartbeatSeconds { get; set; } = 5;

    /// <summary>
    /// Least time between two progress updates that open pages receive from a running job, which reports after every
    /// batch of images; 0 passes on every batch.
    /// </summary>
    public int ProgressMilliseconds { get; set; } = 250;

    /// <summary>Least time between two writes of a running job's progress to the database (through its lease).</summary>
    public double ProgressWriteSeconds { get; set; } = 1;

    /// <summary>How often an idle server looks for queued jobs it was not told about.</summary>
    public int PollSeconds { get; set; } = 5;
}
