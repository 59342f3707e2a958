namespace VaeWorkbench.Web.Tests.Infrastructure;

/// <summary>
/// A cluster on PostgreSQL: the web node in this process (role web, so it serves the UI and API and runs no job) and
/// workers that are the real app started as separate processes with <c>--role worker</c>, sharing its database and
/// data folder. The web node migrates the database before any worker opens it.
/// </summary>
public sealed class TestCluster : IAsyncDisposable
{
    private readonly Dictionary<string, string?> _settings;
    private readonly List<WorkerProcess> _workers = [];

    /// <param name="settings">The database (<c>Database:Provider</c>, <c>ConnectionStrings:Postgres</c>) and anything else
    /// every node shares; <see cref="JobTimings"/> gives leases and polls short enough for tests.</param>
    public TestCluster(Dictionary<string, string?> settings)
    {
        _settings = settings;
        Web = new WorkbenchFactory(new(settings) { ["Node:Role"] = "web" });
        _ = Web.Services;
    }

    public WorkbenchFactory Web { get; }

    public IReadOnlyList<WorkerProcess> Workers => _workers;

    /// <summary>
    /// One thread per job; leases of <paramref name="leaseSeconds"/> (a score job's at least the 10 s it must have)
    /// renewed every second; idle queues poll every second.
    /// </summary>
    public static Dictionary<string, string?> JobTimings(int leaseSeconds)
    {
        var timings = new Dictionary<string, string?> { ["Training:DefaultThreads"] = "1", ["Scoring:Threads"] = "1", ["Augmentation:Threads"] = "1" };
        foreach (var queue in new[] { "Training", "Scoring", "Augmentation" })
        {
            timings[$"{queue}:HeartbeatSeconds"] = "1";
            timings[$"{queue}:LeaseSeconds"] = (queue == "Scoring" ? Math.Max(10, leaseSeconds) : leaseSeconds).ToString();
            timings[$"{queue}:PollSeconds"] = "1";
        }
        return timings;
    }

    public async Task<WorkerProcess> StartWorkerAsync()
    {
        var worker = await WorkerProcess.StartAsync(new Dictionary<string, string?>(_settings) { ["Storage:DataDirectory"] = Web.DataDirectory });
        lock (_workers) _workers.Add(worker);
        return worker;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var worker in _workers) await worker.DisposeAsync();
        Web.Dispose();
    }
}
