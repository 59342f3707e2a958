using System.Collections.Concurrent;
using VaeWorkbench.Web.Cluster;

namespace VaeWorkbench.Web.Augmentation;

/// <summary>
/// Fan-out of generation progress to open pages, from this process or a worker (<see cref="IJobEventTransport"/>),
/// with each set's latest update for pages opened mid-job.
/// </summary>
public sealed class AugmentationEvents : Jobs.JobSignal
{
    private readonly ConcurrentDictionary<Guid, AugmentationUpdate> _latest = new();
    private readonly IJobEventTransport _transport;

    public AugmentationEvents(IJobEventTransport transport)
    {
        _transport = transport;
        transport.Subscribe<AugmentationUpdate>(JobEventTopics.Augmentations, update =>
        {
            _latest[update.SetId] = update;
            Updated?.Invoke(update);
        });
    }

    public event Action<AugmentationUpdate>? Updated;

    public void Publish(AugmentationUpdate update) => _transport.Publish(JobEventTopics.Augmentations, update);

    public AugmentationUpdate? Latest(Guid setId) => _latest.GetValueOrDefault(setId);

    public void Forget(Guid setId) => _latest.TryRemove(setId, out _);
}
