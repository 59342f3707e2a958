using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using VaeWorkbench.Web.Cluster;
using VaeWorkbench.Web.Data.Entities;
using VaeWorkbench.Web.Runs;
using VaeWorkbench.Web.Tests.Infrastructure;
using VaeWorkbench.Web.Tests.Postgres;

namespace VaeWorkbench.Web.Tests.Cluster;

/// <summary>
/// The database goes away under a running cluster: a PostgreSQL server of this class's own (<see cref="PrivatePostgresServer"/>:
/// the shared test server cannot be restarted under other tests), a web node and a worker process
/// (<see cref="TestCluster"/>). A restart must cost nothing: the run finishes with every epoch once, the web node's API
/// says so, and its progress listener reconnects and hears the epochs that follow. An outage longer than the lease must
/// lose nothing either: the worker stops the job, keeps trying with growing waits, and takes the job up again.
/// </summary>
[Trait("Category", PostgresDatabase.Category)]
public sealed partial class PostgresRestartTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(4);
    private PrivatePostgresServer _server = null!;
    private TestCluster? _cluster;

    public async Task InitializeAsync() => _server = await PrivatePostgresServer.StartAsync();

    /// <summary>A web node and one worker on this class's server, with leases of <paramref name="leaseSeconds"/>.</summary>
    private async Task<(WorkbenchFactory Web, WorkerProcess Worker)> StartClusterAsync(int leaseSeconds)
    {
        _cluster = new TestCluster(new(TestCluster.JobTimings(leaseSeconds))
        {
            ["Database:Provider"] = "Postgres",
            ["ConnectionStrings:Postgres"] = _server.ConnectionString("vwb_restart"),
            // Short waits between reconnects, so the test does not wait out the shipped ten-second cap.
            ["Cluster:Events:ReconnectInitialMilliseconds"] = "100", ["Cluster:Events:ReconnectMaxMilliseconds"] = "1000",
            ["Cluster:Events:ProbeSeconds"] = "1",
        });
        return (_cluster.Web, await _cluster.StartWorkerAsync());
    }

    [Fact]
    public async Task A_restart_mid_run_loses_nothing_and_progress_reaches_the_web_node_again_afterwards()
    {
        const int epochs = 40;
        // A lease far longer than a restart takes, even on a busy machine: the worker must keep its claim throughout.
        var (web, worker) = await StartClusterAsync(leaseSeconds: 20);
        var heard = new ConcurrentQueue<(DateTime At, RunUpdate Update)>();
        web.Services.GetRequiredService<RunEvents>().Updated += u => heard.Enqueue((DateTime.UtcNow, u));
        var listener = web.Services.GetRequiredService<PostgresJobEventTransport>();
        var user = await web.RegisterWithTokenAsync();
        var datasetId = await web.CreateFashionMnistAsync(await user.PersonalTeamIdAsync(), 3000);
        var runId = await JobApi.CreatedIdAsync(await user.Client.PostAsJsonAsync("/api/runs", new { datasetId, epochs, batch = 50, seed = 5 }), "id");

        // Live progress from the worker before the restart: epoch 2 reaches the web node through LISTEN/NOTIFY.
        await Eventually.WaitForAsync(() => Task.FromResult(EpochsHeard(heard, runId, DateTime.MinValue)), e => e.Contains(2), Deadline, "epoch 2 on the web node");
        var connectionsBefore = listener.Connections;
        await _server.RestartServerAsync();
        var lastBefore = EpochsHeard(heard, runId, DateTime.MinValue).Max();

        await Eventually.WaitForAsync(() => Task.FromResult((listener.Connections, listener.Listening)), l => l.Connections > connectionsBefore && l.Listening,
            TimeSpan.FromSeconds(30), "the web node's progress listener to reconnect");
        var reconnectedAt = DateTime.UtcNow;
        // An epoch the worker finished after the restart, heard by the web node after its listener came back.
        await Eventually.WaitForAsync(() => Task.FromResult(EpochsHeard(heard, runId, reconnectedAt)), e => e.Any(epoch => epoch > lastBefore),
            Deadline, $"an epoch after {lastBefore} to reach the web node after the restart");

        var run = await WaitForRunAsync(user, runId);
        Assert.Equal("Succeeded", run.GetProperty("status").GetString());
        Assert.Equal(epochs, run.GetProperty("epoch").GetInt32());
        Assert.Equal(Enumerable.Range(1, epochs), run.GetProperty("history").EnumerateArray().Select(h => h.GetProperty("epoch").GetInt32()));
        // The restart was well short of the lease: the worker kept its claim and never had to take the run up again.
        Assert.Single(ClaimLine().Matches(worker.Log));
        // The end of the run reached the web node live, too.
        await Eventually.WaitForAsync(() => Task.FromResult(heard.Any(h => h.Update.RunId == runId && h.Update.Status == RunStatus.Succeeded)),
            s => s, TimeSpan.FromSeconds(30), "the web node to hear the run succeed");
    }

    [Fact]
    public async Task A_worker_that_loses_the_database_for_longer_than_its_lease_keeps_trying_with_growing_waits_and_finishes_the_run()
    {
        const int epochs = 40;
        // A short lease, so that the outage outlasts it soon.
        var (web, worker) = await StartClusterAsync(leaseSeconds: 4);
        var user = await web.RegisterWithTokenAsync();
        var datasetId = await web.CreateFashionMnistAsync(await user.PersonalTeamIdAsync(), 3000);
        var runId = await JobApi.CreatedIdAsync(await user.Client.PostAsJsonAsync("/api/runs", new { datasetId, epochs, batch = 50, seed = 7 }), "id");
        await Eventually.WaitForAsync(() => Task.FromResult(worker.Log), l => l.Contains($"Run {runId}: training"), Deadline, "the worker to start the run");
        await Eventually.WaitForAsync(() => TryAsync(() => user.GetJsonAsync($"/api/runs/{runId}")), r => r?.GetProperty("epoch").GetInt32() >= 1,
            Deadline, "the first epoch");

        await _server.StopServerAsync();
        // Without a renewable lease the run stops at its next checkpoint; then the queue tries to claim, and fails, again
        // and again, each time waiting longer.
        var retries = await Eventually.WaitForAsync(() => Task.FromResult(ClaimRetries(worker.Log)), r => r.Count >= 3, Deadline,
            "three failed claims while the database is down");
        Assert.Contains($"Job {runId}: the lease is lost or could not be renewed in time", worker.Log);
        Assert.True(retries.Zip(retries.Skip(1)).All(p => p.Second > p.First), $"the waits did not grow: {string.Join(", ", retries)}");
        Assert.False(worker.HasExited);

        await _server.StartServerAsync();
        var run = await WaitForRunAsync(user, runId);
        Assert.Equal("Succeeded", run.GetProperty("status").GetString());
        Assert.Equal(Enumerable.Range(1, epochs), run.GetProperty("history").EnumerateArray().Select(h => h.GetProperty("epoch").GetInt32()));
        // The same worker took the run up again from its checkpoint, and recorded it as done once.
        Assert.Equal(2, ClaimLine().Matches(worker.Log).Count(m => m.Groups[1].Value == runId.ToString()));
        Assert.Matches(ResumedLine(), worker.Log);
        Assert.Single(SucceededLine().Matches(worker.Log));
    }

    /// <summary>The finished epochs of <paramref name="runId"/> the web node heard after <paramref name="since"/>.</summary>
    private static List<int> EpochsHeard(ConcurrentQueue<(DateTime At, RunUpdate Update)> heard, Guid runId, DateTime since) =>
        [.. heard.Where(h => h.At > since && h.Update.RunId == runId && h.Update.FinishedEpoch is not null).Select(h => h.Update.FinishedEpoch!.Epoch)];

    /// <summary>The run as the web node's API reports it once it has ended (a request that meets the database restarting is asked again).</summary>
    private static async Task<JsonElement> WaitForRunAsync(ApiUser user, Guid runId) =>
        (await Eventually.WaitForAsync(() => TryAsync(() => user.GetJsonAsync($"/api/runs/{runId}")),
            r => r?.GetProperty("status").GetString() is "Succeeded" or "Failed" or "Cancelled", Deadline, $"run {runId} to end"))!.Value;

    private static async Task<JsonElement?> TryAsync(Func<Task<JsonElement>> read)
    {
        try
        {
            return await read();
        }
        catch (Exception e) when (e is HttpRequestException or Xunit.Sdk.FailException)
        {
            return null;
        }
    }

    private static List<double> ClaimRetries(string log) =>
        [.. ClaimRetryLine().Matches(log).Select(m => double.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture))];

    [GeneratedRegex(@"Claiming a run failed \(\d+ in a row\); retrying in ([0-9.]+) s")]
    private static partial Regex ClaimRetryLine();

    [GeneratedRegex(@"Claimed run ([0-9a-f-]{36})")]
    private static partial Regex ClaimLine();

    [GeneratedRegex(@"Run [0-9a-f-]{36} succeeded after")]
    private static partial Regex SucceededLine();

    [GeneratedRegex(@"resuming from the checkpoint after epoch \d+")]
    private static partial Regex ResumedLine();

    public async Task DisposeAsync()
    {
        if (_cluster is not null) await _cluster.DisposeAsync();
        if (_server is not null) await _server.DisposeAsync();
    }
}
