using VaeWorkbench.Web.Cluster;

namespace VaeWorkbench.Web.Scoring;

/// <summary>
/// Fan-out of scoring progress to open pages (no browser polling), from this process or a worker
/// (<see cref="IJobEventTransport"/>), and the wake-up for this process's job service.
/// </summary>
public sealed class ScoreEvents : Jobs.JobSignal
{
    private readonly IJobEventTransport _transport;

    public ScoreEvents(IJobEventTransport transport)
    {
        _transport = transport;
        transport.Subscribe<ScoreUpdate>(JobEventTopics.Scores, update => Updated?.Invoke(update));
    }

    public event Action<ScoreUpdate>? Updated;

    public void Publish(ScoreUpdate update) => _transport.Publish(JobEventTopics.Scores, update);
}
