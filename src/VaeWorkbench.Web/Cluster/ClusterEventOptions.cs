namespace VaeWorkbench.Web.Cluster;

/// <summary>How job progress travels between nodes on PostgreSQL. Bound from the <c>Cluster:Events</c> section.</summary>
public sealed class ClusterEventOptions
{
    public const string SectionName = "Cluster:Events";

    /// <summary>First wait before reopening a lost listening connection; it doubles with every failure.</summary>
    public int ReconnectInitialMilliseconds { get; set; } = 250;

    /// <summary>Longest wait between two reconnection attempts.</summary>
    public int ReconnectMaxMilliseconds { get; set; } = 10_000;

    /// <summary>An idle listener checks its connection this often.</summary>
    public int ProbeSeconds { get; set; } = 15;

    /// <summary>Progress messages kept while the database is unreachable; the oldest go first.</summary>
    public int OutboxCapacity { get; set; } = 1000;
}
