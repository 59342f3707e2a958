using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using VaeWorkbench.Web.Augmentation;
using VaeWorkbench.Web.Data;
using VaeWorkbench.Web.Faults;
using VaeWorkbench.Web.Runs;
using VaeWorkbench.Web.Scoring;
using VaeWorkbench.Web.Tests.Infrastructure;

namespace VaeWorkbench.Web.Tests;

/// <summary>
/// Two app instances on one data directory and one SQLite file, both polling the queues (issue 9, item 18). A job
/// is delivered twice: its first server stalls inside the job (a failpoint holds it there until it loses its lease), the
/// test expires that lease, and the second server claims the job and finishes it. Both have worked on the job, and only
/// the lease decides whose writes count: exactly one model, one score result set and one augmented set result. The hold
/// makes the hand-over certain, however fast the machine: the first server cannot finish before the second claims.
/// </summary>
public sealed class TwoServersTests : IDisposable
{
    private static readonly Dictionary<string, string?> Settings = new(WorkbenchFactory.FastTraining())
    {
        ["Scoring:Threads"] = "1", ["Scoring:HeartbeatSeconds"] = "1", ["Scoring:LeaseSeconds"] = "10", ["Scoring:PollSeconds"] = "1",
        ["Augmentation:Threads"] = "1", ["Augmentation:HeartbeatSeconds"] = "1", ["Augmentation:LeaseSeconds"] = "3", ["Augmentation:PollSeconds"] = "1",
    };

    private WorkbenchFactory _first = null!;
    private WorkbenchFactory? _second;

    /// <summary>Starts the first server alone, with <paramref name="point"/> armed to hold its job at that hit.</summary>
    private void StartFirst(string point, int hit = 1)
    {
        _first = new WorkbenchFactory(new Dictionary<string, string?>(Settings)
        {
            ["Faults:Point"] = point, ["Faults:Hit"] = hit.ToString(), ["Faults:Action"] = nameof(FaultAction.Block),
        });
        _ = _first.Services; // the first server creates and migrates the database before the second opens it
    }

    [Fact]
    public async Task A_training_run_delivered_to_both_servers_ends_with_exactly_one_model_and_one_row_per_epoch()
    {
        // 2,000 images in batches of 50 are 40 batches an epoch: the hold at batch 60 is in epoch 2, after the first
        // server has checkpointed epoch 1, so the second resumes from that checkpoint and must not record epoch 1 again.
        StartFirst(Failpoints.TrainingBatch, hit: 60);
        var user = await _first.RegisterWithTokenAsync();
        var datasetId = await _first.CreateFashionMnistAsync(await user.PersonalTeamIdAsync(), 2000);
        var runId = await JobApi.CreatedIdAsync(await user.Client.PostAsJsonAsync("/api/runs", new { datasetId, epochs = 8, batch = 50, seed = 9 }), "id");
        await Eventually.WaitForAsync(async () =>
        {
            await using var scope = _first.Services.CreateAsyncScope();
            return await scope.ServiceProvider.GetRequiredService<AppDbContext>().RunEpochs.CountAsync(e => e.RunId == runId);
        }, epochs => epochs >= 1, JobApi.Timeout, $"run {runId} to checkpoint its first epoch");

        await DeliverAgainAsync(runId, async db => (await db.TrainingRuns.Where(r => r.Id == runId).Select(r => new { r.Status, r.LeaseOwner }).SingleAsync()) is var x ? new Lease(x.Status.ToString(), x.LeaseOwner) : null!,
            (db, past) => db.TrainingRuns.Where(r => r.Id == runId && r.LeaseOwner != null)
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.LeaseExpiresAt, past)), services => services.GetRequiredService<TrainingJobSignal>().Wake());

        var run = await JobApi.WaitForEndAsync(user, $"/api/runs/{runId}");
        Assert.True(run.GetProperty("status").GetString() == "Succeeded", run.ToString());
        await using var scope = _first.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        Assert.Equal(1, await db.TrainedModels.CountAsync(m => m.RunId == runId));
        Assert.Equal(Enumerable.Range(1, 8), await db.RunEpochs.Where(e => e.RunId == runId).OrderBy(e => e.Epoch).Select(e => e.Epoch).ToListAsync());
        await BothServersAnswerAsync();
    }

    [Fact]
    public async Task A_score_job_delivered_to_both_servers_ends_with_exactly_one_result_set()
    {
        StartFirst(Failpoints.ScoreChunk);
        var user = await _first.RegisterWithTokenAsync();
        var modelId = (await TrainedRun.TrainAsync(_first, user, await user.PersonalTeamIdAsync())).ModelId;
        var datasetId = await _first.CreateFashionMnistAsync(await user.PersonalTeamIdAsync(), 300, "scored");
        await DatasetImageRows.AddAsync(_first, datasetId);
        var jobId = await JobApi.CreatedIdAsync(await user.Client.PostAsJsonAsync($"/api/models/{modelId}/scores", new { datasetId, method = "iwae", k = 300 }), "jobId");

        await DeliverAgainAsync(jobId, async db => (await db.ScoreJobs.Where(j => j.Id == jobId).Select(j => new { j.Status, j.LeaseOwner }).SingleAsync()) is var x ? new Lease(x.Status.ToString(), x.LeaseOwner) : null!,
            (db, past) => db.ScoreJobs.Where(j => j.Id == jobId && j.LeaseOwner != null)
                .ExecuteUpdateAsync(s => s.SetProperty(j => j.LeaseExpiresAt, past)), services => services.GetRequiredService<ScoreEvents>().Wake());

        var job = await JobApi.WaitForEndAsync(user, $"/api/scores/{jobId}");
        Assert.True(job.GetProperty("status").GetString() == "Succeeded", job.ToString());
        await using var scope = _first.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        Assert.Equal(300, await db.ImageScores.CountAsync(s => s.ScoreJobId == jobId));
        await BothServersAnswerAsync();
    }

    [Fact]
    public async Task A_generation_job_delivered_to_both_servers_ends_with_exactly_one_augmented_set()
    {
        StartFirst(Failpoints.GenerationChunk);
        var user = await _first.RegisterWithTokenAsync();
        var modelId = (await TrainedRun.TrainAsync(_first, user, await user.PersonalTeamIdAsync())).ModelId;
        var setId = await JobApi.CreatedIdAsync(await user.Client.PostAsJsonAsync($"/api/models/{modelId}/generate", new { mode = "prior", count = 6000, seed = 2 }), "augmentedId");

        await DeliverAgainAsync(setId, async db => (await db.AugmentedSets.Where(s => s.Id == setId).Select(s => new { s.Status, s.LeaseOwner }).SingleAsync()) is var x ? new Lease(x.Status.ToString(), x.LeaseOwner) : null!,
            (db, past) => db.AugmentedSets.Where(s => s.Id == setId && s.LeaseOwner != null)
                .ExecuteUpdateAsync(u => u.SetProperty(s => s.LeaseExpiresAt, past)), services => services.GetRequiredService<AugmentationEvents>().Wake());

        var set = await JobApi.WaitForEndAsync(user, $"/api/augmented/{setId}");
        Assert.True(set.GetProperty("status").GetString() == "Succeeded", set.ToString());
        await using var scope = _first.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        Assert.Equal(1, await db.AugmentedSets.CountAsync(s => s.ModelId == modelId));
        Assert.Equal(Enumerable.Range(0, 6000), await db.AugmentedImages.Where(i => i.SetId == setId).OrderBy(i => i.Index).Select(i => i.Index).ToListAsync());
        await BothServersAnswerAsync();
    }

    private sealed record Lease(string Status, string? Owner);

    /// <summary>
    /// Waits until the first server holds the job (it is then held at its failpoint), starts the second server, and
    /// expires the first's lease until the second claims the job. The first server's heartbeat then finds its lease
    /// lost, which releases its hold; whatever it writes after that must not count. Each expiry wakes the second
    /// server's queue (<paramref name="wake"/>), so it claims at once rather than at its next poll.
    /// </summary>
    private async Task DeliverAgainAsync(Guid jobId, Func<AppDbContext, Task<Lease>> read, Func<AppDbContext, DateTimeOffset?, Task<int>> expire, Action<IServiceProvider> wake)
    {
        var first = await Eventually.WaitForAsync(() => ReadAsync(read), l => l.Owner is not null || l.Status is not ("Queued" or "Running"),
            JobApi.Timeout, $"job {jobId} to be claimed");
        Assert.True(first.Owner is not null, $"job {jobId} ended before the test could deliver it again: {first}");
        _second = new WorkbenchFactory(Settings, _first.DataDirectory);
        _ = _second.Services;
        var second = await Eventually.WaitForAsync(async () =>
        {
            await using (var scope = _first.Services.CreateAsyncScope()) await expire(scope.ServiceProvider.GetRequiredService<AppDbContext>(), DateTimeOffset.UtcNow.AddSeconds(-1));
            wake(_second.Services);
            // Look soon after the wake: on a quiet machine the second server can run a whole job within 100 ms of claiming it.
            await Task.Delay(15);
            return await ReadAsync(read);
        }, l => (l.Owner is not null && l.Owner != first.Owner) || l.Status != "Running", JobApi.Timeout, $"the second server to claim job {jobId}");
        Assert.True(second.Status == "Running" && second.Owner != first.Owner, $"job {jobId} ended before the second server claimed it: {second}");
    }

    private async Task<Lease> ReadAsync(Func<AppDbContext, Task<Lease>> read)
    {
        await using var scope = _first.Services.CreateAsyncScope();
        return await read(scope.ServiceProvider.GetRequiredService<AppDbContext>());
    }

    private async Task BothServersAnswerAsync()
    {
        foreach (var server in new[] { _first, _second! })
            Assert.Equal(HttpStatusCode.OK, (await server.CreateClient().GetAsync("/healthz")).StatusCode);
    }

    public void Dispose()
    {
        _second?.Dispose();
        _first?.Dispose();
    }
}
