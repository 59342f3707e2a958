using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using VaeWorkbench.Imaging.Formats.Png;
using VaeWorkbench.Web.Inspection;
using VaeWorkbench.Web.Teams;
using VaeWorkbench.Web.Tests.Infrastructure;

namespace VaeWorkbench.Web.Tests;

public sealed class InspectionServiceTests : IDisposable
{
    private readonly WorkbenchFactory _factory = new(new() { ["Training:DefaultThreads"] = "1", ["Training:PollSeconds"] = "1", ["Scoring:Threads"] = "1", ["Scoring:PollSeconds"] = "1" });

    [Fact]
    public async Task The_model_page_views_come_from_the_trained_model_and_only_for_team_members()
    {
        var owner = await _factory.RegisterWithTokenAsync();
        var datasetId = await _factory.CreateFashionMnistAsync(await owner.PersonalTeamIdAsync(), 300);
        await DatasetImageRows.AddAsync(_factory, datasetId);
        var created = await owner.Client.PostAsJsonAsync("/api/runs", new { datasetId, epochs = 2, batch = 64, seed = 3 });
        await ApiClient.EnsureStatusAsync(created, HttpStatusCode.Created);
        var runId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var run = await Eventually.WaitForAsync(() => owner.GetJsonAsync($"/api/runs/{runId}"),
            r => r.GetProperty("status").GetString() is "Succeeded" or "Failed", TimeSpan.FromMinutes(2), "the training run");
        var modelId = run.GetProperty("modelId").GetGuid();
        var recon = await ReconScoresAsync(owner, modelId, datasetId);

        using var scope = _factory.Services.CreateScope();
        var inspection = scope.ServiceProvider.GetRequiredService<InspectionService>();
        var users = scope.ServiceProvider.GetRequiredService<VaeWorkbench.Web.Data.AppDbContext>().Users;
        var userId = users.Single(u => u.Email == owner.Email).Id;

        // 12 originals above their 12 reconstructions, 28 px cells with 2 px padding.
        var random = await inspection.ReconstructionsAsync(userId, modelId, ReconstructionPick.Random, null, 1);
        AssertPng(random.DataUrl, 12 * 30 + 2, 2 * 30 + 2);
        Assert.Equal(12, random.Indexes.Distinct().Count());
        var trousers = await inspection.ReconstructionsAsync(userId, modelId, ReconstructionPick.ByClass, 1, 1);
        Assert.All(trousers.Indexes, i => Assert.Equal(1, recon.Single(s => s.Index == i).Label));
        // The worst picks have the highest reconstruction error of all 300 (the pool covers the whole dataset here).
        var worst = await inspection.ReconstructionsAsync(userId, modelId, ReconstructionPick.Worst, null, 1, count: 5);
        Assert.Equal(recon.OrderByDescending(s => s.Score).Take(5).Select(s => s.Index), worst.Indexes);

        AssertPng((await inspection.SamplesAsync(userId, modelId, 0.8f, 4, 16)).DataUrl, 8 * 30 + 2, 2 * 30 + 2);
        AssertPng((await inspection.InterpolateAsync(userId, modelId, 0, 5, 7, spherical: true)).DataUrl, 7 * 30 + 2, 30 + 2);
        await Assert.ThrowsAsync<RequestRejectedException>(() => inspection.InterpolateAsync(userId, modelId, 0, 300, 7, false));

        var traversal = await inspection.TraversalAsync(userId, modelId, 3);
        Assert.Equal(20, traversal.Rows.Count);
        Assert.Equal(traversal.Rows.OrderByDescending(r => r.Kl).Select(r => r.Dimension), traversal.Rows.Select(r => r.Dimension));
        Assert.All(traversal.Rows, r => Assert.Equal(r.Kl < 0.01, r.Collapsed));
        AssertPng(traversal.DataUrl, 9 * 30 + 2, 20 * 30 + 2);

        var metrics = await inspection.MetricsAsync(userId, modelId, 10);
        Assert.Equal(30, metrics.Images); // the 10% the run held out (MetricsSourceTests covers the choice)
        Assert.True(metrics.Source.HeldOut);
        Assert.Equal(metrics.NegativeElbo, metrics.Reconstruction + metrics.Kl, 6);
        Assert.Equal(metrics.Kl, metrics.Dimensions.Sum(d => d.Kl), 6);
        Assert.True(metrics.IwaeNll < metrics.NegativeElbo + 1, $"IWAE {metrics.IwaeNll} should not exceed the ELBO bound {metrics.NegativeElbo} by much");
        Assert.InRange(metrics.ActiveUnits, 1, 20);

        var byClass = await inspection.LatentMapAsync(userId, modelId, pca: true, colourByScore: false);
        Assert.Equal(300, byClass.Renderer.Count);
        AssertPng(byClass.DataUrl, LatentMapRenderer.Size, LatentMapRenderer.Size);
        Assert.Null(byClass.Scores);
        var byScore = await inspection.LatentMapAsync(userId, modelId, pca: false, colourByScore: true);
        Assert.Equal("recon", byScore.ScoreMethod);
        Assert.Equal(recon.Select(s => s.Score), byScore.Scores!);
        AssertPng(await inspection.ImageAsync(userId, modelId, 299), 28, 28);

        var stranger = await _factory.RegisterWithTokenAsync();
        var strangerId = users.Single(u => u.Email == stranger.Email).Id;
        await Assert.ThrowsAsync<AccessDeniedException>(() => inspection.SamplesAsync(strangerId, modelId, 1, 1));

    }

    private static async Task<List<(int Index, int Label, double Score)>> ReconScoresAsync(ApiUser owner, Guid modelId, Guid datasetId)
    {
        // The scoring job path (a different code path from the page's) gives every image's reconstruction error.
        var started = await owner.Client.PostAsJsonAsync($"/api/models/{modelId}/scores", new { datasetId, method = "recon" });
        await ApiClient.EnsureStatusAsync(started, HttpStatusCode.Accepted);
        var jobId = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("jobId").GetGuid();
        var job = await Eventually.WaitForAsync(() => owner.GetJsonAsync($"/api/scores/{jobId}"),
            j => j.GetProperty("status").GetString() is "Succeeded" or "Failed", TimeSpan.FromMinutes(2), "the recon score job");
        return [.. job.GetProperty("items").EnumerateArray().Select(i => (i.GetProperty("index").GetInt32(), i.GetProperty("label").GetInt32(), i.GetProperty("score").GetDouble()))];
    }

    private static void AssertPng(string dataUrl, int width, int height)
    {
        Assert.StartsWith("data:image/png;base64,", dataUrl);
        var image = PngDecoder.Decode(Convert.FromBase64String(dataUrl["data:image/png;base64,".Length..]));
        Assert.Equal((width, height), (image.Width, image.Height));
    }

    public void Dispose() => _factory.Dispose();
}
