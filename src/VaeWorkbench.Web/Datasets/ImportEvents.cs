using VaeWorkbench.Web.Cluster;
using VaeWorkbench.Web.Data.Entities;

namespace VaeWorkbench.Web.Datasets;

/// <summary>An import's state as it changes: Queued, Importing, then Ready or Failed (with why).</summary>
public sealed record DatasetImportUpdate(Guid DatasetId, Guid TeamId, DatasetStatus Status, string? Error = null, ImportFailure? Failure = null)
{
    public bool Ended => Status is DatasetStatus.Ready or DatasetStatus.Failed;
}

/// <summary>
/// Import progress and outcomes, from the node that runs an import to every node (<see cref="IJobEventTransport"/>):
/// upload requests waiting for their outcome and open Datasets pages hear them. A Queued message from another node
/// wakes this node's import queue, so a worker starts a web node's upload at once instead of at its next poll.
/// </summary>
public sealed class ImportEvents : Jobs.JobSignal
{
    private readonly IJobEventTransport _transport;

    public ImportEvents(IJobEventTransport transport)
    {
        _transport = transport;
        transport.Subscribe<DatasetImportUpdate>(JobEventTopics.Imports, update =>
        {
            if (update.Status == DatasetStatus.Queued) Wake();
            Updated?.Invoke(update);
        });
    }

    public event Action<DatasetImportUpdate>? Updated;

    public void Publish(DatasetImportUpdate update) => _transport.Publish(JobEventTopics.Imports, update);
}
