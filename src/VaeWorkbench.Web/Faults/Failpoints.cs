using Microsoft.Extensions.Options;
using VaeWorkbench.Web.Storage;

namespace VaeWorkbench.Web.Faults;

/// <summary>
/// Named points in the narrow windows where a crash matters (between writing a file and committing it, inside a
/// database transaction). Process-fault tests arm one with <c>Faults:Point</c> so the real server stops exactly there and
/// can be killed (<c>kill -9</c>) or terminated (SIGTERM) at that instant. Unarmed, <see cref="Reach"/> returns at once.
/// </summary>
public sealed class Failpoints(IOptions<FaultOptions> options, IHostApplicationLifetime lifetime, ILogger<Failpoints> logger)
{
    /// <summary>Inside the transaction that writes a dataset's image rows and marks it Ready, before the commit.</summary>
    public const string DatasetRowsCommit = "dataset-rows-commit";

    /// <summary>A training checkpoint is written and flushed under its temporary name, not yet renamed into place.</summary>
    public const string CheckpointRename = "checkpoint-rename";

    /// <summary>A finished run's model file is in the blob store; the model row and the Succeeded status are not written yet.</summary>
    public const string ModelCommit = "model-commit";

    /// <summary>After a training batch (the hit count counts batches); held until the run is asked to stop, so a SIGTERM lands exactly there.</summary>
    public const string TrainingBatch = "training-batch";

    /// <summary>A chunk of a score job is scored, its progress not yet written; held until the job stops or its lease is lost.</summary>
    public const string ScoreChunk = "score-chunk";

    /// <summary>A chunk of a generation job is generated, its images not yet stored; held until the job stops or its lease is lost.</summary>
    public const string GenerationChunk = "generation-chunk";

    /// <summary>A blob is about to be written to the store.</summary>
    public const string BlobWrite = "blob-write";

    private int _hits;

    /// <summary>
    /// Does nothing unless <paramref name="name"/> is armed and this is the armed hit. A <see cref="FaultAction.Block"/>
    /// holds the thread until <paramref name="holdUntil"/> is cancelled, or without one until the host stops.
    /// </summary>
    public void Reach(string name, CancellationToken holdUntil = default)
    {
        var armed = options.Value;
        if (string.IsNullOrEmpty(armed.Point) || !string.Equals(armed.Point, name, StringComparison.Ordinal)) return;
        if (Interlocked.Increment(ref _hits) != armed.Hit) return;
        logger.LogWarning("FAILPOINT {Name} reached (hit {Hit}, action {Action})", name, armed.Hit, armed.Action);
        switch (armed.Action)
        {
            case FaultAction.Block:
                // Held until stopped; a SIGTERM then lets the work go on into its shutdown path (kill -9 never releases it).
                (holdUntil.CanBeCanceled ? holdUntil : lifetime.ApplicationStopping).WaitHandle.WaitOne();
                break;
            case FaultAction.DiskFull:
                throw new IOException($"No space left on device (injected by the {name} failpoint)", StorageErrors.Enospc);
        }
    }
}
