namespace VaeWorkbench.Web.Jobs;

/// <summary>
/// A row of a persisted job queue: training runs, score jobs and augmented sets. A server owns a job while its
/// <see cref="LeaseOwner"/> is set and <see cref="LeaseExpiresAt"/> lies ahead; <see cref="LeasedJobQueue{TJob,TStatus}"/>
/// claims, renews, releases and completes the lease, always with one conditional UPDATE.
/// </summary>
public interface ILeasedJob<TStatus> where TStatus : struct, Enum
{
    Guid Id { get; }

    TStatus Status { get; set; }

    string? LeaseOwner { get; set; }

    DateTimeOffset? LeaseExpiresAt { get; set; }

    DateTimeOffset? StartedAt { get; set; }

    DateTimeOffset? FinishedAt { get; set; }

    /// <summary>Why the job failed, in words the user can act on.</summary>
    string? Error { get; set; }
}

/// <summary>The timings every job queue is configured with (its options section names them).</summary>
public interface ILeaseTimings
{
    /// <summary>How long a claim lasts without renewal; a job whose lease lapsed is claimed again.</summary>
    int LeaseSeconds { get; }

    /// <summary>How often a running job renews its lease (and checks for a cancel request).</summary>
    int HeartbeatSeconds { get; }

    /// <summary>How often an idle server looks for work it was not woken for.</summary>
    int PollSeconds { get; }
}

/// <summary>Why a job's token was cancelled.</summary>
public enum JobStop
{
    None,

    /// <summary>The server is shutting down: release the lease so the next start (or another server) takes the job at once.</summary>
    Shutdown,

    /// <summary>A user asked to cancel the job.</summary>
    CancelRequested,

    /// <summary>Another server holds the job now (this one's lease lapsed, for example after a long pause): write nothing more.</summary>
    LeaseLost,
}
