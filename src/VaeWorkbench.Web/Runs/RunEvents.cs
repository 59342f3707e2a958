using System.Collections.Concurrent;
using System.Text.Json.Serialization;
using VaeWorkbench.Web.Cluster;
using VaeWorkbench.Web.Data.Entities;

namespace VaeWorkbench.Web.Runs;

/// <summary>What changed in a run: its status, a finished epoch (with a fresh reconstruction grid) or batch progress.</summary>
public sealed record RunUpdate(
    Guid RunId,
    RunStatus Status,
    int Epoch,
    int Epochs,
    RunEpoch? FinishedEpoch = null,
    [property: JsonIgnore] byte[]? ReconstructionPng = null,
    double? EpochFraction = null,
    string? Error = null,
    bool ReconstructionReady = false);

/// <summary>
/// Fan-out of training progress to open pages, so charts update as epochs finish without the browser polling the
/// database, wherever the run trains (<see cref="IJobEventTransport"/>: this process, or a worker through
/// LISTEN/NOTIFY). It also remembers each run's latest update, so a page opened mid-run starts current.
/// </summary>
public sealed class RunEvents
{
    private readonly ConcurrentDictionary<Guid, RunUpdate> _latest = new();
    private readonly ConcurrentDictionary<Guid, byte[]> _latestReconstruction = new();
    private readonly IJobEventTransport _transport;
    private readonly RunPreviewStore _previews;

    public RunEvents(IJobEventTransport transport, RunPreviewStore previews)
    {
        _transport = transport;
        _previews = previews;
        transport.Subscribe<RunUpdate>(JobEventTopics.Runs, OnUpdate);
    }

    public event Action<RunUpdate>? Updated;

    public void Publish(RunUpdate update)
    {
        // Another node's web server reads the image from the shared data folder; the message only says it is there.
        if (update.ReconstructionPng is { } png && _transport.CrossesProcesses)
        {
            _previews.Write(update.RunId, png);
            update = update with { ReconstructionReady = true };
        }
        _transport.Publish(JobEventTopics.Runs, update);
    }

    public RunUpdate? Latest(Guid runId) => _latest.GetValueOrDefault(runId);

    public byte[]? LatestReconstruction(Guid runId) => _latestReconstruction.GetValueOrDefault(runId);

    /// <summary>Drops a finished run's in-memory state (the reconstruction grid is the only large part) and its preview file.</summary>
    public void Forget(Guid runId)
    {
        _latestReconstruction.TryRemove(runId, out _);
        if (_transport.CrossesProcesses) _previews.Delete(runId);
    }

    private void OnUpdate(RunUpdate update)
    {
        if (update.ReconstructionPng is null && update.ReconstructionReady && _previews.Read(update.RunId) is { } png)
            update = update with { ReconstructionPng = png };
        _latest[update.RunId] = update;
        if (update.ReconstructionPng is not null) _latestReconstruction[update.RunId] = update.ReconstructionPng;
        Updated?.Invoke(update);
        // The worker forgets its own runs; a web server forgets what it heard once the run has ended.
        if (update.Status is not (RunStatus.Queued or RunStatus.Running)) _latestReconstruction.TryRemove(update.RunId, out _);
    }
}
