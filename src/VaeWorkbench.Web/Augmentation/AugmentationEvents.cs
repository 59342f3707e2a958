using System.Collections.Concurrent;

namespace VaeWorkbench.Web.Augmentation;

/// <summary>In-process fan-out of generation progress to open pages, with each set's latest update for pages opened mid-job.</summary>
public sealed class AugmentationEvents
{
    private readonly ConcurrentDictionary<Guid, AugmentationUpdate> _latest = new();
    private readonly SemaphoreSlim _wake = new(0, 1);

    public event Action<AugmentationUpdate>? Updated;

    public void Publish(AugmentationUpdate update)
    {
        _latest[update.SetId] = update;
        Updated?.Invoke(update);
    }

    public AugmentationUpdate? Latest(Guid setId) => _latest.GetValueOrDefault(setId);

    public void Forget(Guid setId) => _latest.TryRemove(setId, out _);

    /// <summary>Tells the job service a set was queued, so it need not wait for its next poll.</summary>
    public void Wake()
    {
        try
        {
            _wake.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already signalled; one wake-up is enough.
        }
    }

    public Task<bool> WaitForWorkAsync(TimeSpan timeout, CancellationToken ct) => _wake.WaitAsync(timeout, ct);
}
