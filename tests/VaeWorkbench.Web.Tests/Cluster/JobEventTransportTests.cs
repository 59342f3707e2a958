using System.Collections.Concurrent;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using VaeWorkbench.Web.Cluster;
using VaeWorkbench.Web.Data.Entities;
using VaeWorkbench.Web.Options;
using VaeWorkbench.Web.Runs;
using VaeWorkbench.Web.Tests.Infrastructure;

namespace VaeWorkbench.Web.Tests.Cluster;

/// <summary>
/// Progress between processes: the in-process transport for one server, and LISTEN/NOTIFY on real PostgreSQL for a
/// cluster, including the listener's reconnect after its connection is killed. Two transports stand for two nodes.
/// </summary>
[Trait("Category", VaeWorkbench.Web.Tests.Postgres.PostgresDatabase.Category)]
public sealed class JobEventTransportTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);
    private static readonly ClusterEventOptions Fast = new() { ReconnectInitialMilliseconds = 50, ReconnectMaxMilliseconds = 500, ProbeSeconds = 1 };
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "vwb-events-" + Guid.NewGuid().ToString("N"));
    private string _connectionString = "";

    public async Task InitializeAsync() => _connectionString = await TestPostgres.CreateDatabaseAsync("events");

    [Fact]
    public void In_one_process_a_message_reaches_every_subscriber_even_when_one_fails()
    {
        var transport = new InProcessJobEventTransport(NullLogger<InProcessJobEventTransport>.Instance);
        var seen = new List<string>();
        transport.Subscribe<ScoreUpdateProbe>("t", _ => throw new InvalidOperationException("a broken page"));
        transport.Subscribe<ScoreUpdateProbe>("t", m => seen.Add(m.Text));
        transport.Publish("t", new ScoreUpdateProbe("hello"));
        transport.Publish("other", new ScoreUpdateProbe("not for t"));
        Assert.Equal(["hello"], seen);
    }

    [Fact]
    public async Task A_workers_epochs_and_reconstruction_reach_a_web_servers_subscribers_once()
    {
        await using var worker = await StartAsync();
        await using var web = await StartAsync();
        var workerRuns = new RunEvents(worker.Transport, Previews());
        var webRuns = new RunEvents(web.Transport, Previews());
        var onWeb = new ConcurrentQueue<RunUpdate>();
        var onWorker = new ConcurrentQueue<RunUpdate>();
        webRuns.Updated += onWeb.Enqueue;
        workerRuns.Updated += onWorker.Enqueue;
        var runId = Guid.NewGuid();
        var png = new byte[20_000]; // larger than any NOTIFY payload may be
        Random.Shared.NextBytes(png);
        var epoch = new RunEpoch { RunId = runId, Epoch = 3, TrainLoss = 251.5, TrainRecon = 230.25, TrainKl = 21.25, Seconds = 1.5, ImagesPerSecond = 4000 };

        workerRuns.Publish(new RunUpdate(runId, RunStatus.Running, 3, 10, epoch, png));

        var heard = await Eventually.WaitForAsync(() => Task.FromResult(onWeb.ToArray()), a => a.Length >= 1, Deadline, "the web node to hear epoch 3");
        var update = Assert.Single(heard);
        Assert.Equal((runId, RunStatus.Running, 3, 10), (update.RunId, update.Status, update.Epoch, update.Epochs));
        Assert.Equal((251.5, 230.25, 21.25, 4000.0), (update.FinishedEpoch!.TrainLoss, update.FinishedEpoch.TrainRecon, update.FinishedEpoch.TrainKl, update.FinishedEpoch.ImagesPerSecond));
        Assert.Equal(png, update.ReconstructionPng);
        Assert.Equal(png, webRuns.LatestReconstruction(runId));
        Assert.Equal(3, webRuns.Latest(runId)!.Epoch);
        // The worker's own page heard it once, directly, not a second time through its own NOTIFY.
        await PublishMarkerAndWaitAsync(worker.Transport, web.Transport);
        Assert.Single(onWorker);
        Assert.Single(onWeb);

        workerRuns.Publish(new RunUpdate(runId, RunStatus.Succeeded, 10, 10));
        workerRuns.Forget(runId);
        await Eventually.WaitForAsync(() => Task.FromResult(onWeb.Count), c => c == 2, Deadline, "the web node to hear the run succeed");
        Assert.Null(webRuns.LatestReconstruction(runId));
        Assert.False(File.Exists(Previews().PathOf(runId)), "the finished run's preview file is removed");
    }

    [Fact]
    public async Task The_listener_reconnects_after_its_connection_is_killed_and_hears_what_comes_next()
    {
        await using var worker = await StartAsync();
        await using var web = await StartAsync();
        var heard = new ConcurrentQueue<string>();
        web.Transport.Subscribe<ScoreUpdateProbe>("probe", m => heard.Enqueue(m.Text));

        await using (var admin = new NpgsqlConnection(_connectionString))
        {
            await admin.OpenAsync();
            await using var kill = new NpgsqlCommand("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN%'", admin);
            Assert.Equal(2L, await kill.ExecuteScalarAsync()); // both nodes' listeners
        }
        await Eventually.WaitForAsync(() => Task.FromResult(web.Transport.Connections), c => c >= 2, Deadline, "the web node's listener to reconnect");
        Assert.True(web.Transport.Listening);
        worker.Transport.Publish("probe", new ScoreUpdateProbe("after the reconnect"));
        await Eventually.WaitForAsync(() => Task.FromResult(heard.ToArray()), h => h.Contains("after the reconnect"), Deadline, "the message sent after the reconnect");
    }

    private async Task PublishMarkerAndWaitAsync(PostgresJobEventTransport from, PostgresJobEventTransport to)
    {
        var marker = Guid.NewGuid().ToString();
        var seen = new ConcurrentQueue<string>();
        to.Subscribe<ScoreUpdateProbe>("marker", m => seen.Enqueue(m.Text));
        from.Publish("marker", new ScoreUpdateProbe(marker));
        // NOTIFYs from one session arrive in order: once the marker is here, everything sent before it is too.
        await Eventually.WaitForAsync(() => Task.FromResult(seen.ToArray()), s => s.Contains(marker), Deadline, "the marker");
    }

    private RunPreviewStore Previews() =>
        new(Microsoft.Extensions.Options.Options.Create(new StorageOptions { DataDirectory = _dataDirectory }), NullLogger<RunPreviewStore>.Instance);

    private async Task<Node> StartAsync()
    {
        var transport = new PostgresJobEventTransport(_connectionString, Fast, NullLogger<PostgresJobEventTransport>.Instance);
        await transport.StartAsync(CancellationToken.None);
        await Eventually.WaitForAsync(() => Task.FromResult(transport.Listening), l => l, Deadline, "the listener to start");
        return new Node(transport);
    }

    public Task DisposeAsync()
    {
        if (Directory.Exists(_dataDirectory)) Directory.Delete(_dataDirectory, recursive: true);
        return Task.CompletedTask;
    }

    private sealed record Node(PostgresJobEventTransport Transport) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await Transport.StopAsync(CancellationToken.None);
    }

    public sealed record ScoreUpdateProbe(string Text);
}
