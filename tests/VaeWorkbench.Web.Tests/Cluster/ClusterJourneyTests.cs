using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using VaeWorkbench.Web.Tests.Infrastructure;
using VaeWorkbench.Web.Tests.Postgres;

namespace VaeWorkbench.Web.Tests.Cluster;

/// <summary>
/// The main journey on a cluster (<see cref="TestCluster"/>): upload, train, register, generate, every step through the
/// web node's API, while a separate worker process on the same PostgreSQL database and data folder does the jobs. Each
/// job is checked in the worker's own log, so a web node that quietly ran it itself would fail the test.
/// </summary>
[Trait("Category", PostgresDatabase.Category)]
public sealed class ClusterJourneyTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>, IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(4);
    private TestCluster _cluster = null!;

    public Task InitializeAsync()
    {
        _cluster = new TestCluster(database.Settings(TestCluster.JobTimings(leaseSeconds: 10)));
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Upload_train_register_and_generate_through_the_web_node_while_a_worker_process_runs_the_jobs()
    {
        var worker = await _cluster.StartWorkerAsync();
        var user = await _cluster.Web.RegisterWithTokenAsync();

        // Upload: 40 images of two classes, as an ImageFolder ZIP.
        var (zip, images) = DatasetUploads.FashionZip(perClass: 20, classes: [1, 8]);
        var uploaded = await user.Client.PostAsync("/api/datasets", DatasetUploads.Form("cluster journey", 28, 1, [("two-classes.zip", zip)]));
        Assert.True(uploaded.StatusCode is HttpStatusCode.Created or HttpStatusCode.Accepted, await uploaded.Content.ReadAsStringAsync());
        var datasetId = (await uploaded.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var dataset = await Eventually.WaitForAsync(() => user.GetJsonAsync($"/api/datasets/{datasetId}"),
            d => d.GetProperty("status").GetString() is "Ready" or "Failed", Deadline, "the upload to be imported");
        Assert.Equal(("Ready", images.Count), (dataset.GetProperty("status").GetString(), dataset.GetProperty("imageCount").GetInt32()));
        var classes = await user.GetJsonAsync($"/api/datasets/{datasetId}/classes");
        Assert.Equal(["Bag", "Trouser"], classes.GetProperty("names").EnumerateArray().Select(n => n.GetString()).Order());

        // Train: three epochs, on the worker.
        const int epochs = 3;
        var runId = await JobApi.CreatedIdAsync(await user.Client.PostAsJsonAsync("/api/runs", new { datasetId, epochs, batch = 16, seed = 2 }), "id");
        var run = await Eventually.WaitForAsync(() => user.GetJsonAsync($"/api/runs/{runId}"),
            r => r.GetProperty("status").GetString() is "Succeeded" or "Failed" or "Cancelled", Deadline, "the run to end");
        Assert.True(run.GetProperty("status").GetString() == "Succeeded", $"the run did not succeed: {run}");
        Assert.Equal(Enumerable.Range(1, epochs), run.GetProperty("history").EnumerateArray().Select(h => h.GetProperty("epoch").GetInt32()));
        Assert.All(run.GetProperty("history").EnumerateArray(), h => Assert.True(double.IsFinite(h.GetProperty("trainLoss").GetDouble())));
        Assert.Contains($"Claimed run {runId}", worker.Log);
        var modelId = run.GetProperty("modelId").GetGuid();

        // Register the run's model: version 1 of a named model, made from this run, with its grids.
        var registered = await user.Client.PostAsJsonAsync("/api/registry", new { runId, name = "cluster-journey" });
        await ApiClient.EnsureStatusAsync(registered, HttpStatusCode.Created);
        Assert.Equal(1, (await registered.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("version").GetInt32());
        var entry = await user.GetJsonAsync("/api/registry/cluster-journey");
        var version = Assert.Single(entry.GetProperty("versions").EnumerateArray());
        Assert.Equal((1, runId, datasetId), (version.GetProperty("version").GetInt32(), version.GetProperty("runId").GetGuid(), version.GetProperty("datasetId").GetGuid()));
        var samples = await user.Client.GetAsync("/api/registry/cluster-journey/versions/1/samples.png");
        Assert.Equal((HttpStatusCode.OK, "image/png"), (samples.StatusCode, samples.Content.Headers.ContentType?.MediaType));

        // Generate an augmented set: 12 images, 6 per class, on the worker; the web node serves what it wrote.
        var generated = await user.Client.PostAsJsonAsync($"/api/models/{modelId}/generate", new { mode = "perClass", count = 12, seed = 4, classes = new[] { "Trouser", "Bag" } });
        var setId = await JobApi.CreatedIdAsync(generated, "augmentedId");
        var set = await JobApi.WaitForEndAsync(user, $"/api/augmented/{setId}");
        Assert.True(set.GetProperty("status").GetString() == "Succeeded", $"the generation did not succeed: {set}");
        Assert.Equal(12, set.GetProperty("count").GetInt32());
        Assert.Equal([("Bag", 6), ("Trouser", 6)],
            set.GetProperty("classes").EnumerateArray().Select(c => (c.GetProperty("name").GetString(), c.GetProperty("count").GetInt32())).OrderBy(c => c.Item1));
        Assert.Contains($"Claimed augmented set {setId}", worker.Log);
        var page = await user.GetJsonAsync($"/api/augmented/{setId}/images?take=100");
        Assert.Equal(12, page.GetProperty("items").GetArrayLength());
        var image = await user.Client.GetAsync($"/api/augmented/{setId}/images/11.png");
        Assert.Equal((HttpStatusCode.OK, "image/png"), (image.StatusCode, image.Content.Headers.ContentType?.MediaType));
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();
}
