using System.Collections.Concurrent;

namespace VaeWorkbench.Web.Augmentation;

/// <summary>In-process fan-out of generation progress to open pages, with each set's latest update for pages opened mid-job.</summary>
public sealed class AugmentationEvents : Jobs.JobSignal
{
    private readonly ConcurrentDictionary<Guid, AugmentationUpdate> _latest = new();

    public event Action<AugmentationUpdate>? Updated;

    public void Publish(AugmentationUpdate update)
    {
        _latest[update.SetId] = update;
        Updated?.Invoke(update);
    }

    public AugmentationUpdate? Latest(Guid setId) => _latest.GetValueOrDefault(setId);

    public void Forget(Guid setId) => _latest.TryRemove(setId, out _);
}
