using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using VaeWorkbench.Web.Data;
using VaeWorkbench.Web.Datasets;
using VaeWorkbench.Web.Tests.Infrastructure;

namespace VaeWorkbench.Web.Tests;

/// <summary>
/// Deleting a dataset that a queued or running job uses (issue 9, item 17): the job is unaffected because
/// deletion is soft, and the purge leaves the dataset alone while any job refers to it.
/// </summary>
public sealed class DatasetDeletedUnderJobTests : IDisposable
{
    private readonly WorkbenchFactory _factory = new(new(WorkbenchFactory.FastTraining())
    {
        ["Scoring:Threads"] = "1",
        ["Scoring:PollSeconds"] = "1",
        ["Augmentation:Threads"] = "1",
        ["Augmentation:PollSeconds"] = "1",
    });

    [Fact]
    public async Task A_training_run_whose_dataset_is_deleted_while_it_is_queued_still_succeeds_and_the_purge_keeps_the_dataset()
    {
        var user = await _factory.RegisterWithTokenAsync();
        var teamId = await user.PersonalTeamIdAsync();
        // One run at a time: a long run holds the queue, so the run under test is certainly queued when its dataset goes.
        var blockerData = await _factory.CreateFashionMnistAsync(teamId, 100, "blocker");
        var blocker = await JobApi.CreatedIdAsync(await user.Client.PostAsJsonAsync("/api/runs", new { datasetId = blockerData, epochs = 1000, batch = 50 }), "id");
        await Eventually.WaitForAsync(() => user.GetJsonAsync($"/api/runs/{blocker}"), r => r.GetProperty("status").GetString() != "Queued", JobApi.Timeout, "the blocking run to start");
        var datasetId = await _factory.CreateFashionMnistAsync(teamId, 300);
        var runId = await JobApi.CreatedIdAsync(await user.Client.PostAsJsonAsync("/api/runs", new { datasetId, epochs = 3, batch = 50, seed = 5 }), "id");

        await DeleteAndPurgeAsync(user, datasetId, $"/api/runs/{runId}");
        await ApiClient.EnsureStatusAsync(await user.Client.PostAsync($"/api/runs/{blocker}/cancel", null), HttpStatusCode.OK);

        var run = await JobApi.WaitForEndAsync(user, $"/api/runs/{runId}");
        Assert.True(run.GetProperty("status").GetString() == "Succeeded", run.ToString());
        Assert.Equal(3, run.GetProperty("history").GetArrayLength());
        Assert.Equal(0, await PurgeAsync());
    }

    [Fact]
    public async Task A_score_job_whose_dataset_is_deleted_while_queued_still_succeeds_and_the_purge_waits_for_the_job_to_go()
    {
        var user = await _factory.RegisterWithTokenAsync();
        var modelId = (await TrainedRun.TrainAsync(_factory, user, await user.PersonalTeamIdAsync())).ModelId;
        var scored = await _factory.CreateFashionMnistAsync(await user.PersonalTeamIdAsync(), 300, "to score");
        await DatasetImageRows.AddAsync(_factory, scored);
        // IWAE with many samples keeps the job busy long enough to be deleted under it on any machine.
        var jobId = await JobApi.CreatedIdAsync(await user.Client.PostAsJsonAsync($"/api/models/{modelId}/scores", new { datasetId = scored, method = "iwae", k = 200 }), "jobId");

        await DeleteAndPurgeAsync(user, scored, $"/api/scores/{jobId}");

        var job = await JobApi.WaitForEndAsync(user, $"/api/scores/{jobId}");
        Assert.True(job.GetProperty("status").GetString() == "Succeeded", job.ToString());
        Assert.Equal(300, job.GetProperty("items").GetArrayLength());
        Assert.Equal(0, await PurgeAsync());

        // Once nothing refers to it any more (the job went with its results), the purge removes the dataset.
        using (var scope = _factory.Services.CreateScope())
            await scope.ServiceProvider.GetRequiredService<AppDbContext>().ScoreJobs.Where(j => j.Id == jobId).ExecuteDeleteAsync();
        Assert.Equal(1, await PurgeAsync());
        Assert.False(await DatasetRowExistsAsync(scored));
    }

    [Fact]
    public async Task A_generation_job_whose_dataset_is_deleted_while_queued_still_succeeds_and_the_purge_keeps_the_dataset()
    {
        var user = await _factory.RegisterWithTokenAsync();
        var (_, modelId, datasetId) = await TrainedRun.TrainAsync(_factory, user, await user.PersonalTeamIdAsync());
        // Variations read the source dataset's images while generating.
        var setId = await JobApi.CreatedIdAsync(await user.Client.PostAsJsonAsync($"/api/models/{modelId}/generate",
            new { mode = "variations", count = 3000, seed = 4, imageIds = new[] { 0, 1, 2 } }), "augmentedId");

        await DeleteAndPurgeAsync(user, datasetId, $"/api/augmented/{setId}");

        var set = await JobApi.WaitForEndAsync(user, $"/api/augmented/{setId}");
        Assert.True(set.GetProperty("status").GetString() == "Succeeded", set.ToString());
        Assert.Equal(3000, set.GetProperty("count").GetInt32());
        Assert.Equal(0, await PurgeAsync());
    }

    /// <summary>Deletes the dataset while the job is still queued or running, and shows the purge keeps it.</summary>
    private async Task DeleteAndPurgeAsync(ApiUser user, Guid datasetId, string jobUrl)
    {
        await ApiClient.EnsureStatusAsync(await user.Client.DeleteAsync($"/api/datasets/{datasetId}"), HttpStatusCode.NoContent);
        await ApiClient.AssertProblemAsync(await user.Client.GetAsync($"/api/datasets/{datasetId}"), HttpStatusCode.NotFound);
        Assert.Equal(0, await PurgeAsync());
        Assert.True(await DatasetRowExistsAsync(datasetId));
        var status = (await user.GetJsonAsync(jobUrl)).GetProperty("status").GetString();
        Assert.True(status is "Queued" or "Running", $"the job had already ended ({status}) when its dataset was deleted; the test needs a longer job");
    }

    private async Task<int> PurgeAsync()
    {
        await using var scope = _factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<DatasetCleanup>().PurgeDeletedAsync();
    }

    private async Task<bool> DatasetRowExistsAsync(Guid datasetId)
    {
        await using var scope = _factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<AppDbContext>().Datasets.AnyAsync(d => d.Id == datasetId);
    }

    public void Dispose() => _factory.Dispose();
}
