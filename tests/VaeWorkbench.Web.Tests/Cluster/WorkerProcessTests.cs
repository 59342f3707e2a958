using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using VaeWorkbench.Web.Data;
using VaeWorkbench.Web.Data.Entities;
using VaeWorkbench.Web.Tests.Infrastructure;
using VaeWorkbench.Web.Tests.Postgres;

namespace VaeWorkbench.Web.Tests.Cluster;

/// <summary>
/// A cluster on real PostgreSQL (<see cref="TestCluster"/>): the web node in this process and workers that are the real
/// app started as separate processes. What each worker did is read from its own log (its claims and completions), not
/// from counters.
/// </summary>
[Trait("Category", PostgresDatabase.Category)]
public sealed partial class WorkerProcessTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>, IAsyncLifetime
{
    private const int LeaseSeconds = 4;
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(4);
    private TestCluster _cluster = null!;

    private WorkbenchFactory Web => _cluster.Web;

    public Task InitializeAsync()
    {
        _cluster = new TestCluster(database.Settings(TestCluster.JobTimings(LeaseSeconds)));
        return Task.CompletedTask;
    }

    private Task<WorkerProcess> StartWorkerAsync() => _cluster.StartWorkerAsync();

    [Fact]
    public async Task Three_workers_run_60_queued_jobs_exactly_once_each()
    {
        const int jobs = 60;
        var user = await Web.RegisterWithTokenAsync();
        var datasetId = await Web.CreateFashionMnistAsync(await user.PersonalTeamIdAsync(), 20);
        var runIds = new List<Guid>();
        for (var i = 0; i < jobs; i++)
            runIds.Add(await JobApi.CreatedIdAsync(await user.Client.PostAsJsonAsync("/api/runs", new { datasetId, epochs = 1, batch = 10, seed = i + 1 }), "id"));
        await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => StartWorkerAsync()));

        await Eventually.WaitForAsync(() => CountAsync(runIds, RunStatus.Succeeded), n => n == jobs, Deadline, $"{jobs} runs to succeed");

        // The job log: every claim and every completion, as each worker logged it.
        var claims = _cluster.Workers.SelectMany((w, i) => ClaimLine().Matches(w.Log).Select(m => (Worker: i, Run: Guid.Parse(m.Groups[1].Value)))).ToList();
        var completions = _cluster.Workers.SelectMany((w, i) => SucceededLine().Matches(w.Log).Select(m => (Worker: i, Run: Guid.Parse(m.Groups[1].Value)))).ToList();
        Assert.Equal(runIds.Order(), claims.Select(c => c.Run).Order());
        Assert.Equal(runIds.Order(), completions.Select(c => c.Run).Order());
        Assert.True(claims.Select(c => c.Worker).Distinct().Count() >= 2, "the jobs were not shared between workers");
        await using var db = database.Open();
        Assert.Equal(jobs, await db.TrainedModels.CountAsync(m => runIds.Contains(m.RunId)));
    }

    [Fact]
    public async Task When_the_worker_running_a_job_is_killed_another_resumes_it_from_its_checkpoint_and_it_finishes_all_epochs()
    {
        const int epochs = 30;
        var user = await Web.RegisterWithTokenAsync();
        var datasetId = await Web.CreateFashionMnistAsync(await user.PersonalTeamIdAsync(), 3000);
        var workers = await Task.WhenAll(StartWorkerAsync(), StartWorkerAsync());
        var runId = await JobApi.CreatedIdAsync(await user.Client.PostAsJsonAsync("/api/runs", new { datasetId, epochs, batch = 50, seed = 5 }), "id");
        await Eventually.WaitForAsync(() => EpochsAsync(runId), n => n >= 2, Deadline, "two epochs on the first worker");

        var holder = await LeaseOwnerAsync(runId);
        var first = workers.Single(w => holder?.StartsWith($"{w.ProcessId}/") == true);
        var second = workers.Single(w => w != first);
        await first.KillAsync();
        var killedAt = DateTime.UtcNow;
        await Eventually.WaitForAsync(() => Task.FromResult(second.Log), l => l.Contains($"Claimed run {runId}"), TimeSpan.FromSeconds(LeaseSeconds + 10),
            "the second worker to take the run within the lease plus 10 s");
        var takenAfter = DateTime.UtcNow - killedAt;
        // The claim is logged before the dataset and checkpoint are loaded; the resume line follows.
        var resumed = ResumedLine().Match(await Eventually.WaitForAsync(() => Task.FromResult(second.Log), l => ResumedLine().IsMatch(l) || l.Contains("starting again"),
            TimeSpan.FromMinutes(1), "the second worker to resume the run"));
        Assert.True(resumed.Success, $"the second worker did not resume from a checkpoint:\n{second.Log}");
        Assert.True(int.Parse(resumed.Groups[1].Value) >= 2, $"resumed after epoch {resumed.Groups[1].Value}, not the last checkpoint");

        await Eventually.WaitForAsync(() => StatusAsync(runId), s => s is RunStatus.Succeeded or RunStatus.Failed, Deadline, "the run to finish");
        await using var db = database.Open();
        var run = await db.TrainingRuns.AsNoTracking().SingleAsync(r => r.Id == runId);
        Assert.Equal((RunStatus.Succeeded, epochs), (run.Status, run.Epoch));
        Assert.Equal(Enumerable.Range(1, epochs), await db.RunEpochs.Where(e => e.RunId == runId).Select(e => e.Epoch).OrderBy(e => e).ToListAsync());
        Assert.True(takenAfter < TimeSpan.FromSeconds(LeaseSeconds + 10), $"taken over after {takenAfter}");
    }

    [Fact]
    public async Task A_cancel_on_the_web_node_stops_the_run_on_its_worker()
    {
        var user = await Web.RegisterWithTokenAsync();
        var datasetId = await Web.CreateFashionMnistAsync(await user.PersonalTeamIdAsync(), 3000);
        var worker = await StartWorkerAsync();
        var runId = await JobApi.CreatedIdAsync(await user.Client.PostAsJsonAsync("/api/runs", new { datasetId, epochs = 500, batch = 50, seed = 5 }), "id");
        await Eventually.WaitForAsync(() => EpochsAsync(runId), n => n >= 1, Deadline, "the first epoch on the worker");

        (await user.Client.PostAsync($"/api/runs/{runId}/cancel", null)).EnsureSuccessStatusCode();

        await Eventually.WaitForAsync(() => StatusAsync(runId), s => s == RunStatus.Cancelled, TimeSpan.FromSeconds(30), "the worker to cancel the run");
        Assert.False(worker.HasExited);
        Assert.True(await EpochsAsync(runId) < 500);
    }

    private async Task<int> CountAsync(List<Guid> runIds, RunStatus status)
    {
        await using var db = database.Open();
        return await db.TrainingRuns.CountAsync(r => runIds.Contains(r.Id) && r.Status == status);
    }

    private async Task<int> EpochsAsync(Guid runId)
    {
        await using var db = database.Open();
        return await db.RunEpochs.CountAsync(e => e.RunId == runId);
    }

    private async Task<RunStatus> StatusAsync(Guid runId)
    {
        await using var db = database.Open();
        return await db.TrainingRuns.Where(r => r.Id == runId).Select(r => r.Status).SingleAsync();
    }

    private async Task<string?> LeaseOwnerAsync(Guid runId)
    {
        await using var db = database.Open();
        return await db.TrainingRuns.Where(r => r.Id == runId).Select(r => r.LeaseOwner).SingleAsync();
    }

    [GeneratedRegex(@"Claimed run ([0-9a-f-]{36})")]
    private static partial Regex ClaimLine();

    [GeneratedRegex(@"Run ([0-9a-f-]{36}) succeeded after")]
    private static partial Regex SucceededLine();

    [GeneratedRegex(@"resuming from the checkpoint after epoch (\d+)")]
    private static partial Regex ResumedLine();

    public async Task DisposeAsync() => await _cluster.DisposeAsync();
}
