namespace VaeWorkbench.Web.Cluster;

/// <summary>
/// Carries job progress (epochs, losses, score and generation progress) from the process that runs a job to every
/// process that shows it. In one process (SQLite, role <c>all</c>) that is a direct call; on PostgreSQL it is
/// <c>LISTEN/NOTIFY</c>, so a web server's Blazor circuits hear a worker's epochs without anything polling.
/// </summary>
public interface IJobEventTransport
{
    /// <summary>True when messages leave this process: large parts (images) must then travel by the shared data folder.</summary>
    bool CrossesProcesses { get; }

    /// <summary>Delivers <paramref name="message"/> to this process's subscribers at once, and to other processes' soon after.</summary>
    void Publish<T>(string topic, T message) where T : class;

    /// <summary>Calls <paramref name="handler"/> for every message on <paramref name="topic"/>, from this process or another.</summary>
    void Subscribe<T>(string topic, Action<T> handler) where T : class;
}

/// <summary>The topics of the job queues.</summary>
public static class JobEventTopics
{
    public const string Runs = "run";
    public const string Scores = "score";
    public const string Augmentations = "augmentation";
    public const string Imports = "import";
}
