using System.Collections.Concurrent;
using System.Text.Json;

namespace VaeWorkbench.Web.Cluster;

/// <summary>This process's subscribers by topic: delivers an object as it is, or a message that arrived as JSON.</summary>
internal sealed class LocalSubscribers(ILogger logger)
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly ConcurrentDictionary<string, ImmutableHandlers> _topics = new();

    public void Add<T>(string topic, Action<T> handler) where T : class =>
        _topics.AddOrUpdate(topic, _ => new ImmutableHandlers(typeof(T), [o => handler((T)o)]),
            (_, existing) => existing.Type == typeof(T)
                ? existing with { Handlers = [.. existing.Handlers, o => handler((T)o)] }
                : throw new InvalidOperationException($"Topic '{topic}' carries {existing.Type.Name}, not {typeof(T).Name}"));

    public void Deliver(string topic, object message)
    {
        if (!_topics.TryGetValue(topic, out var subscribers)) return;
        foreach (var handler in subscribers.Handlers)
        {
            try
            {
                handler(message);
            }
            catch (Exception e)
            {
                // One page's failing handler must not keep the message from the others, nor stop the job that published it.
                logger.LogWarning(e, "A subscriber of {Topic} failed", topic);
            }
        }
    }

    /// <summary>Delivers a message that came from another process, as the topic's type.</summary>
    public void DeliverJson(string topic, string json)
    {
        if (!_topics.TryGetValue(topic, out var subscribers)) return;
        object? message;
        try
        {
            message = JsonSerializer.Deserialize(json, subscribers.Type, Json);
        }
        catch (JsonException e)
        {
            // A newer or older node may speak a different shape during a rolling upgrade: skip, do not crash the listener.
            logger.LogWarning(e, "A {Topic} message from another node could not be read", topic);
            return;
        }
        if (message is not null) Deliver(topic, message);
    }

    private sealed record ImmutableHandlers(Type Type, Action<object>[] Handlers);
}
