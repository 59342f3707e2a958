namespace VaeWorkbench.Web.Cluster;

/// <summary>One process (SQLite, or role <c>all</c> without PostgreSQL): a published message is a direct call to the subscribers.</summary>
public sealed class InProcessJobEventTransport(ILogger<InProcessJobEventTransport> logger) : IJobEventTransport
{
    private readonly LocalSubscribers _subscribers = new(logger);

    public bool CrossesProcesses => false;

    public void Publish<T>(string topic, T message) where T : class => _subscribers.Deliver(topic, message);

    public void Subscribe<T>(string topic, Action<T> handler) where T : class => _subscribers.Add(topic, handler);
}
