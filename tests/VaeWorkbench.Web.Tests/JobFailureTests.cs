using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using VaeWorkbench.Web.Data;
using VaeWorkbench.Web.Storage;
using VaeWorkbench.Web.Tests.Infrastructure;

namespace VaeWorkbench.Web.Tests;

/// <summary>
/// Faults inside a job (issue 9, item 16): the job fails with a reason the user can read, in the API and on its page,
/// and the server goes on serving other jobs and requests.
/// </summary>
public sealed class JobFailureTests : IDisposable
{
    private readonly WorkbenchFactory _factory = new(new(WorkbenchFactory.FastTraining()) { ["Scoring:Threads"] = "1", ["Scoring:PollSeconds"] = "1" });

    [Fact]
    public async Task A_dataset_damaged_on_disk_fails_its_run_and_score_job_with_the_reason_while_other_jobs_succeed()
    {
        var user = await _factory.RegisterWithTokenAsync();
        var teamId = await user.PersonalTeamIdAsync();
        var (_, modelId, _) = await TrainedRun.TrainAsync(_factory, user, teamId);
        var damaged = await _factory.CreateFashionMnistAsync(teamId, 200, "damaged");
        await DatasetImageRows.AddAsync(_factory, damaged);
        // A different image count, so the healthy dataset does not share the damaged one's content-addressed tensor file.
        var healthy = await _factory.CreateFashionMnistAsync(teamId, 150, "healthy");
        await DamageTensorAsync(damaged);

        var failedRun = await JobApi.CreatedIdAsync(await user.Client.PostAsJsonAsync("/api/runs", new { datasetId = damaged, epochs = 1 }), "id");
        var goodRun = await JobApi.CreatedIdAsync(await user.Client.PostAsJsonAsync("/api/runs", new { datasetId = healthy, epochs = 1 }), "id");
        var failedScore = await JobApi.CreatedIdAsync(await user.Client.PostAsJsonAsync($"/api/models/{modelId}/scores", new { datasetId = damaged, method = "recon" }), "jobId");

        var run = await JobApi.WaitForEndAsync(user, $"/api/runs/{failedRun}");
        Assert.Equal("Failed", run.GetProperty("status").GetString());
        var reason = run.GetProperty("error").GetString()!;
        Assert.Contains("dataset 'damaged' is damaged", reason);
        Assert.Contains("Upload it again", reason);
        var score = await JobApi.WaitForEndAsync(user, $"/api/scores/{failedScore}");
        Assert.Equal("Failed", score.GetProperty("status").GetString());
        Assert.Contains("dataset 'damaged' is damaged", score.GetProperty("error").GetString());

        // The server goes on: the next run succeeds and requests are answered.
        Assert.Equal("Succeeded", (await JobApi.WaitForEndAsync(user, $"/api/runs/{goodRun}")).GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, (await user.Client.GetAsync("/api/me")).StatusCode);

        // The run's page shows the same reason.
        var browser = await _factory.SignInThroughFormAsync(user);
        var page = await browser.GetStringAsync($"/runs/{failedRun}");
        Assert.Contains("id=\"run-error\"", page);
        Assert.Contains(reason, WebUtility.HtmlDecode(page));
    }

    /// <summary>Flips bytes in the middle of the stored tensor file, keeping its length, as a bad disk would.</summary>
    private async Task DamageTensorAsync(Guid datasetId)
    {
        await using var scope = _factory.Services.CreateAsyncScope();
        var hash = (await scope.ServiceProvider.GetRequiredService<AppDbContext>().Datasets.SingleAsync(d => d.Id == datasetId)).TensorHash!;
        var path = scope.ServiceProvider.GetRequiredService<BlobStore>().PathOf(hash);
        var bytes = await File.ReadAllBytesAsync(path);
        for (var i = bytes.Length / 2; i < bytes.Length / 2 + 64; i++) bytes[i] ^= 0xFF;
        await File.WriteAllBytesAsync(path, bytes);
    }

    public void Dispose() => _factory.Dispose();
}
