using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using VaeWorkbench.Web.Augmentation;
using VaeWorkbench.Web.Data;
using VaeWorkbench.Web.Runs;
using VaeWorkbench.Web.Scoring;
using VaeWorkbench.Web.Tests.Infrastructure;

namespace VaeWorkbench.Web.Tests;

/// <summary>
/// Two app instances on one data directory and one SQLite file, both polling the queues (issue 9, item 18). A job
/// is delivered twice: its first server stalls past its lease (simulated by expiring the lease until the other server
/// claims the job), so both have worked on it. Exactly one model, one score result set and one augmented set result.
/// </summary>
public sealed class TwoServersTests : IDisposable
{
    private static readonly Dictionary<string, string?> Settings = new(WorkbenchFactory.FastTraining())
    {
        ["Scoring:Threads"] = "1", ["Scoring:HeartbeatSeconds"] = "1", ["Scoring:LeaseSeconds"] = "10", ["Scoring:PollSeconds"] = "1",
        ["Augmentation:Threads"] = "1", ["Augmentation:HeartbeatSeconds"] = "1", ["Augmentation:LeaseSeconds"] = "3", ["Augmentation:PollSeconds"] = "1",
    };

    private readonly WorkbenchFactory _first = new(Settings);
    private readonly WorkbenchFactory _second;

    public TwoServersTests()
    {
        _ = _first.Services; // the first server creates and migrates the database before the second opens it
        _second = new WorkbenchFactory(Settings, _first.DataDirectory);
        _ = _second.Services;
    }

    [Fact]
    public async Task A_training_run_delivered_to_both_servers_ends_with_exactly_one_model_and_one_row_per_epoch()
    {
        var user = await _first.RegisterWithTokenAsync();
        // Enough work (2,000 images, 8 epochs) that the run is still going when the other server is woken to claim it.
        var datasetId = await _first.CreateFashionMnistAsync(await user.PersonalTeamIdAsync(), 2000);
        var runId = await JobApi.CreatedIdAsync(await user.Client.PostAsJsonAsync("/api/runs", new { datasetId, epochs = 8, batch = 50, seed = 9 }), "id");

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
    /// Waits until one server runs the job, then keeps expiring its lease (its server "stalls") until the other server
    /// claims it: from then on both have worked on the job, and only the lease decides whose writes count. Each expiry
    /// wakes both servers' queues (<paramref name="wake"/>), so the other claims at once rather than at its next poll.
    /// </summary>
    private async Task DeliverAgainAsync(Guid jobId, Func<AppDbContext, Task<Lease>> read, Func<AppDbContext, DateTimeOffset?, Task<int>> expire, Action<IServiceProvider> wake)
    {
        var first = await Eventually.WaitForAsync(() => ReadAsync(read), l => l.Owner is not null || l.Status is not ("Queued" or "Running"),
            JobApi.Timeout, $"job {jobId} to be claimed");
        Assert.True(first.Owner is not null, $"job {jobId} ended before the test could deliver it again: {first}");
        var second = await Eventually.WaitForAsync(async () =>
        {
            await using (var scope = _first.Services.CreateAsyncScope()) await expire(scope.ServiceProvider.GetRequiredService<AppDbContext>(), DateTimeOffset.UtcNow.AddSeconds(-1));
            wake(_first.Services);
            wake(_second.Services);
            await Task.Delay(100);
            return await ReadAsync(read);
        }, l => (l.Owner is not null && l.Owner != first.Owner) || l.Status != "Running", JobApi.Timeout, $"the other server to claim job {jobId}");
        Assert.True(second.Status == "Running" && second.Owner != first.Owner, $"job {jobId} ended before the other server claimed it: {second}");
    }

    private async Task<Lease> ReadAsync(Func<AppDbContext, Task<Lease>> read)
    {
        await using var scope = _first.Services.CreateAsyncScope();
        return await read(scope.ServiceProvider.GetRequiredService<AppDbContext>());
    }

    private async Task BothServersAnswerAsync()
    {
        foreach (var server in new[] { _first, _second })
            Assert.Equal(HttpStatusCode.OK, (await server.CreateClient().GetAsync("/healthz")).StatusCode);
    }

    public void Dispose()
    {
        _second.Dispose();
        _first.Dispose();
    }
}
