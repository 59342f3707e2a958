using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using VaeWorkbench.Engine.Data;
using VaeWorkbench.Engine.IO;
using VaeWorkbench.Engine.Model;
using VaeWorkbench.Web.Data;
using VaeWorkbench.Web.Datasets;
using VaeWorkbench.Web.Storage;
using VaeWorkbench.Web.Tests.Infrastructure;

namespace VaeWorkbench.Web.Tests;

/// <summary>
/// With a 1 MB budget, a 1,500-image set (1.2 MB of pixels) is past it: training, scoring and generation all read it from
/// shards under the data directory, scoring gives exactly the scores of the set in memory, and a damaged shard is cut again.
/// </summary>
public sealed class ShardedDatasetJobsTests : IDisposable
{
    private const int Images = 1500;
    private readonly WorkbenchFactory _factory = new(new()
    {
        ["Training:DefaultThreads"] = "1",
        ["Training:PollSeconds"] = "1",
        ["Training:MemoryBudgetMegabytes"] = "1",
        ["Scoring:Threads"] = "1",
        ["Scoring:PollSeconds"] = "1",
    });

    public void Dispose() => _factory.Dispose();

    [Fact]
    public async Task Training_scoring_and_generation_read_a_set_past_the_budget_from_shards_and_rebuild_a_damaged_one()
    {
        var owner = await _factory.RegisterWithTokenAsync();
        var datasetId = await _factory.CreateFashionMnistAsync(await owner.PersonalTeamIdAsync(), Images);
        await DatasetImageRows.AddAsync(_factory, datasetId);
        var run = await JobApi.WaitForEndAsync(owner, $"/api/runs/{await JobApi.CreatedIdAsync(await owner.Client.PostAsJsonAsync("/api/runs", new { datasetId, epochs = 2, batch = 64, seed = 3 }), "id")}");
        Assert.True(run.GetProperty("status").GetString() == "Succeeded", run.ToString());
        var history = run.GetProperty("history").EnumerateArray().Select(h => h.GetProperty("trainLoss").GetDouble()).ToList();
        Assert.True(history[1] < history[0], $"the loss fell: {string.Join(" -> ", history)}");
        var modelId = run.GetProperty("modelId").GetGuid();

        var (hash, modelHash) = await HashesAsync(datasetId, modelId);
        var shards = Path.Combine(_factory.DataDirectory, "shards", hash);
        Assert.True(File.Exists(Path.Combine(shards, ShardManifest.FileName)), $"no shards in {shards}");
        var shardCount = Directory.GetFiles(shards, "shard-*.bin").Length;
        Assert.True(shardCount > 8, $"{shardCount} shards: more than a window of 8");

        // Scores through the shards equal scores of the whole set as floats in memory, bit for bit.
        var scores = await ScoreAsync(owner, modelId, datasetId);
        Assert.Equal(InMemoryReconScores(hash, modelHash), scores);

        // A damaged shard is refused and cut again from the dataset's tensor; the job still succeeds with the same scores.
        var victim = Path.Combine(shards, ShardManifest.ShardName(3));
        var bytes = File.ReadAllBytes(victim);
        bytes[^1] ^= 0xFF;
        File.WriteAllBytes(victim, bytes);
        Assert.Equal(scores, await ScoreAsync(owner, modelId, datasetId));
        using (ShardedImageSet.Open(shards, hash, 8)) { } // whole again

        // Per-class generation encodes the whole set and its filter reads training images: both through the shards.
        var generate = await owner.Client.PostAsJsonAsync($"/api/models/{modelId}/generate", new { mode = "perClass", count = 40, seed = 4, classes = new[] { "0", "1" }, filter = new { maxElboPercentile = 90 } });
        await ApiClient.EnsureStatusAsync(generate, HttpStatusCode.Accepted);
        var set = await JobApi.WaitForEndAsync(owner, $"/api/augmented/{(await generate.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("augmentedId").GetGuid()}");
        Assert.True(set.GetProperty("status").GetString() == "Succeeded", set.ToString());
        Assert.True(set.GetProperty("count").GetInt32() > 0);
    }

    private async Task<List<double>> ScoreAsync(ApiUser owner, Guid modelId, Guid datasetId)
    {
        var response = await owner.Client.PostAsJsonAsync($"/api/models/{modelId}/scores", new { datasetId, method = "recon" });
        await ApiClient.EnsureStatusAsync(response, HttpStatusCode.Accepted);
        var job = await JobApi.WaitForEndAsync(owner, $"/api/scores/{(await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("jobId").GetGuid()}");
        Assert.True(job.GetProperty("status").GetString() == "Succeeded", job.ToString());
        return [.. job.GetProperty("items").EnumerateArray().OrderBy(i => i.GetProperty("index").GetInt32()).Select(i => i.GetProperty("score").GetDouble())];
    }

    // What the score job computes (chunks of 1,024 with seed 1 + start), from the whole tensor decoded to floats.
    private List<double> InMemoryReconScores(string hash, string modelHash)
    {
        var blobs = _factory.Services.GetRequiredService<BlobStore>();
        ImageDataset all;
        using (var stream = blobs.OpenRead(hash)) all = DatasetTensorFile.Read(stream);
        var vae = ModelFile.Load(blobs.ReadAllBytes(modelHash)).Model;
        vae.Threads = 1;
        var scores = new List<double>();
        for (var start = 0; start < all.Count; start += 1024)
        {
            var n = Math.Min(1024, all.Count - start);
            scores.AddRange(vae.Score(all.Pixels.AsSpan(start * all.PixelCount, n * all.PixelCount), n, ScoreMethod.Reconstruction, 1, 1 + (ulong)start));
        }
        return scores;
    }

    private async Task<(string Tensor, string Model)> HashesAsync(Guid datasetId, Guid modelId)
    {
        using var scope = _factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var tensor = (await db.Datasets.SingleAsync(d => d.Id == datasetId)).TensorHash!;
        var model = (await db.TrainedModels.SingleAsync(m => m.Id == modelId)).FileHash;
        return (tensor, model);
    }
}
