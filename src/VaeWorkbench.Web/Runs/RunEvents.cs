using System.Collections.Concurrent;
using VaeWorkbench.Web.Data.Entities;

namespace VaeWorkbench.Web.Runs;

/// <summary>What changed in a run: its status, a finished epoch (with a fresh reconstruction grid) or batch progress.</summary>
public sealed record RunUpdate(
    Guid RunId,
    RunStatus Status,
    int Epoch,
    int Epochs,
    RunEpoch? FinishedEpoch = null,
    byte[]? ReconstructionPng = null,
    double? EpochFraction = null,
    string? Error = null);

/// <summary>
/// In-process fan-out of training progress to open pages, so charts update as epochs finish without the browser
/// polling the database. It also remembers each run's latest update, so a page opened mid-run starts current.
/// </summary>
public sealed class RunEvents
{
    private readonly ConcurrentDictionary<Guid, RunUpdate> _latest = new();
    private readonly ConcurrentDictionary<Guid, byte[]> _latestReconstruction = new();

    public event Action<RunUpdate>? Updated;

    public void Publish(RunUpdate update)
    {
        _latest[update.RunId] = update;
        if (update.ReconstructionPng is not null) _latestReconstruction[update.RunId] = update.ReconstructionPng;
        Updated?.Invoke(update);
    }

    public RunUpdate? Latest(Guid runId) => _latest.GetValueOrDefault(runId);

    public byte[]? LatestReconstruction(Guid runId) => _latestReconstruction.GetValueOrDefault(runId);

    /// <summary>Drops a finished run's in-memory state (the reconstruction grid is the only large part).</summary>
    public void Forget(Guid runId) => _latestReconstruction.TryRemove(runId, out _);
}
