using Microsoft.Extensions.DependencyInjection;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using VaeWorkbench.Imaging.Formats.Png;
using VaeWorkbench.Web.Tests.Infrastructure;

namespace VaeWorkbench.Web.Tests;

/// <summary>One small trained model shared by the augmentation tests (training it is the slow part).</summary>
public sealed class AugmentationFixture : IAsyncLifetime
{
    public WorkbenchFactory Factory { get; } = new(new()
    {
        ["Training:DefaultThreads"] = "1",
        ["Training:PollSeconds"] = "1",
        ["Augmentation:Threads"] = "1",
        ["Augmentation:PollSeconds"] = "1",
    });

    public ApiUser Owner { get; private set; } = null!;
    public Guid TeamId { get; private set; }
    public Guid DatasetId { get; private set; }
    public Guid ModelId { get; private set; }
    public Guid RunId { get; private set; }
    public const int DatasetCount = 300;

    public async Task InitializeAsync()
    {
        Owner = await Factory.RegisterWithTokenAsync();
        TeamId = await Owner.PersonalTeamIdAsync();
        // Uploaded through the API, so the dataset has its image rows and PNGs (the export's originals come from them).
        var (images, labels) = DatasetUploads.FashionIdxPair(DatasetCount);
        var upload = await Owner.UploadAsync(DatasetUploads.Form("fashion", 28, 1, [("images.gz", images), ("labels", labels)]));
        DatasetId = upload.GetProperty("id").GetGuid();
        var created = await Owner.Client.PostAsJsonAsync("/api/runs", new { datasetId = DatasetId, epochs = 2, batch = 64, seed = 3 });
        await ApiClient.EnsureStatusAsync(created, HttpStatusCode.Created);
        var runId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        RunId = runId;
        var run = await Eventually.WaitForAsync(() => Owner.GetJsonAsync($"/api/runs/{runId}"),
            r => r.GetProperty("status").GetString() is "Succeeded" or "Failed", TimeSpan.FromMinutes(2), "the training run");
        Assert.Equal("Succeeded", run.GetProperty("status").GetString());
        ModelId = run.GetProperty("modelId").GetGuid();
    }

    public Task DisposeAsync()
    {
        Factory.Dispose();
        return Task.CompletedTask;
    }
}

public sealed class AugmentationApiTests(AugmentationFixture fixture) : IClassFixture<AugmentationFixture>
{
    private ApiUser Owner => fixture.Owner;

    private async Task<Guid> GenerateAsync(ApiUser user, object body)
    {
        var response = await user.Client.PostAsJsonAsync($"/api/models/{fixture.ModelId}/generate", body);
        await ApiClient.EnsureStatusAsync(response, HttpStatusCode.Accepted);
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("augmentedId").GetGuid();
        Assert.Equal($"/api/augmented/{id}", response.Headers.Location?.ToString());
        return id;
    }

    private Task<JsonElement> WaitForEndAsync(Guid id) =>
        Eventually.WaitForAsync(() => Owner.GetJsonAsync($"/api/augmented/{id}"),
            s => s.GetProperty("status").GetString() is "Succeeded" or "Failed", TimeSpan.FromMinutes(1), $"augmented set {id}");

    private async Task<byte[]> ImageAsync(Guid id, int index) => await Owner.Client.GetByteArrayAsync($"/api/augmented/{id}/images/{index}.png");

    [Fact]
    public async Task A_prior_set_is_queued_at_once_then_succeeds_and_the_same_seed_gives_byte_identical_pngs()
    {
        var first = await GenerateAsync(Owner, new { mode = "prior", count = 30, temperature = 0.8, seed = 11 });
        var immediately = await Owner.GetJsonAsync($"/api/augmented/{first}");
        Assert.Contains(immediately.GetProperty("status").GetString(), new[] { "Queued", "Running", "Succeeded" });
        var set = await WaitForEndAsync(first);
        Assert.Equal("Succeeded", set.GetProperty("status").GetString());
        Assert.Equal(30, set.GetProperty("count").GetInt32());
        var classes = set.GetProperty("classes").EnumerateArray().ToList();
        Assert.Equal("unlabeled", Assert.Single(classes).GetProperty("name").GetString());
        var provenance = set.GetProperty("provenance");
        Assert.Equal(fixture.ModelId, provenance.GetProperty("modelId").GetGuid());
        Assert.Equal(fixture.DatasetId, provenance.GetProperty("datasetId").GetGuid());
        Assert.Equal(11, provenance.GetProperty("seed").GetInt64());
        Assert.Equal(0.8, provenance.GetProperty("parameters").GetProperty("temperature").GetDouble(), 5);
        Assert.Equal(Owner.Email, provenance.GetProperty("createdBy").GetString());
        Assert.Equal(30, provenance.GetProperty("generated").GetInt32());

        var again = await GenerateAsync(Owner, new { mode = "prior", count = 30, temperature = 0.8, seed = 11 });
        var other = await GenerateAsync(Owner, new { mode = "prior", count = 30, temperature = 0.8, seed = 12 });
        await WaitForEndAsync(again);
        await WaitForEndAsync(other);
        foreach (var index in new[] { 0, 17, 29 })
        {
            var png = await ImageAsync(first, index);
            Assert.Equal(png, await ImageAsync(again, index));
            Assert.NotEqual(png, await ImageAsync(other, index));
            var image = PngDecoder.Decode(png);
            Assert.Equal((28, 28, 1), (image.Width, image.Height, image.Channels));
        }
    }

    [Fact]
    public async Task Generation_reports_progress_after_every_decoded_batch_and_it_only_rises()
    {
        var events = fixture.Factory.Services.GetRequiredService<Augmentation.AugmentationEvents>();
        var updates = new System.Collections.Concurrent.ConcurrentQueue<Augmentation.AugmentationUpdate>();
        void Record(Augmentation.AugmentationUpdate update) => updates.Enqueue(update);
        events.Updated += Record;
        Guid id;
        try
        {
            id = await GenerateAsync(Owner, new { mode = "prior", count = 600, seed = 4 });
            Assert.Equal("Succeeded", (await WaitForEndAsync(id)).GetProperty("status").GetString());
        }
        finally
        {
            events.Updated -= Record;
        }

        // 600 samples are one chunk of the job, decoded in three batches (256, 256, 88): the bar moves after each.
        var running = updates.Where(u => u.SetId == id && u.Status == Data.Entities.AugmentedStatus.Running).Select(u => u.Generated).ToList();
        Assert.Equal([0, 256, 512, 600, 600], running);
    }

    [Fact]
    public async Task Per_class_labels_follow_the_request_and_the_export_zip_has_the_imagefolder_layout_manifest_and_provenance()
    {
        var id = await GenerateAsync(Owner, new { mode = "perClass", count = 20, seed = 5, classes = new[] { "7", "3" } });
        var set = await WaitForEndAsync(id);
        Assert.Equal("Succeeded", set.GetProperty("status").GetString());
        Assert.Equal([("3", 10), ("7", 10)], set.GetProperty("classes").EnumerateArray().Select(c => (c.GetProperty("name").GetString(), c.GetProperty("count").GetInt32())));
        var page = await Owner.GetJsonAsync($"/api/augmented/{id}/images?take=4");
        Assert.Equal(["3", "7", "3", "7"], page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("className").GetString()));

        var response = await Owner.Client.GetAsync($"/api/augmented/{id}/export?includeOriginals=true");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/zip", response.Content.Headers.ContentType?.MediaType);
        using var zip = new ZipArchive(new MemoryStream(await response.Content.ReadAsByteArrayAsync()), ZipArchiveMode.Read);
        var names = zip.Entries.Select(e => e.FullName).ToList();
        Assert.Equal(Enumerable.Range(1, 10).Select(i => $"3/{i:D6}.png"), names.Where(n => n.StartsWith("3/0", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
        Assert.Equal(10, names.Count(n => n.StartsWith("7/0", StringComparison.Ordinal)));
        Assert.Equal(AugmentationFixture.DatasetCount, names.Count(n => n.Contains("/original_", StringComparison.Ordinal)));
        Assert.Equal(20 + AugmentationFixture.DatasetCount + 2, names.Count);
        Assert.Equal(await ImageAsync(id, 0), Read(zip, "3/000001.png"));
        Assert.Equal(await ImageAsync(id, 1), Read(zip, "7/000001.png"));

        var manifest = System.Text.Encoding.UTF8.GetString(Read(zip, "manifest.csv")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("file,class,source,model,mode,seed,score", manifest[0]);
        Assert.Equal($"3/000001.png,3,generated,{fixture.ModelId},perClass,5,", manifest[1]);
        Assert.Equal($"7/000001.png,7,generated,{fixture.ModelId},perClass,5,", manifest[2]);
        Assert.Equal(20, manifest.Count(l => l.Contains(",generated,", StringComparison.Ordinal)));
        Assert.Equal(AugmentationFixture.DatasetCount, manifest.Count(l => l.Contains(",original,", StringComparison.Ordinal)));
        // Fashion-MNIST's first test image is an ankle boot (class 9).
        Assert.StartsWith("9/original_000001.png,9,original,", manifest.First(l => l.Contains(",original,", StringComparison.Ordinal)));

        var provenance = JsonDocument.Parse(Read(zip, "provenance.json")).RootElement;
        Assert.Equal(id, provenance.GetProperty("id").GetGuid());
        Assert.True(provenance.GetProperty("includeOriginals").GetBoolean());
        Assert.Equal("perClass", provenance.GetProperty("provenance").GetProperty("mode").GetString());
        Assert.Equal(["3", "7"], provenance.GetProperty("provenance").GetProperty("parameters").GetProperty("classes").EnumerateArray().Select(c => c.GetString()));

        using var without = new ZipArchive(new MemoryStream(await Owner.Client.GetByteArrayAsync($"/api/augmented/{id}/export")), ZipArchiveMode.Read);
        Assert.Equal(22, without.Entries.Count);
    }

    [Fact]
    public async Task The_filter_is_applied_recorded_and_scores_reach_the_manifest()
    {
        // Zero spread decodes the reconstruction of images 0 and 1 again and again: all within 100 of a training image.
        var dropped = await WaitForEndAsync(await GenerateAsync(Owner, new { mode = "variations", count = 12, spread = 0, seed = 1, imageIds = new[] { 0, 1 }, filter = new { minDistance = 100 } }));
        Assert.Equal("Succeeded", dropped.GetProperty("status").GetString());
        Assert.Equal(0, dropped.GetProperty("count").GetInt32());
        Assert.Equal(12, dropped.GetProperty("provenance").GetProperty("generated").GetInt32());
        Assert.Equal(100, dropped.GetProperty("provenance").GetProperty("filter").GetProperty("minDistance").GetDouble());

        var scoredId = await GenerateAsync(Owner, new { mode = "prior", count = 40, seed = 2, filter = new { maxElboPercentile = 90 } });
        var scored = await WaitForEndAsync(scoredId);
        var threshold = scored.GetProperty("provenance").GetProperty("filter").GetProperty("elboThreshold").GetDouble();
        Assert.True(threshold > 0);
        var page = await Owner.GetJsonAsync($"/api/augmented/{scoredId}/images?take=100");
        var scores = page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("score").GetDouble()).ToList();
        Assert.Equal(scored.GetProperty("count").GetInt32(), scores.Count);
        Assert.All(scores, s => Assert.True(s <= threshold, $"kept a sample scoring {s} above the ceiling {threshold}"));
    }

    [Fact]
    public async Task The_filter_reports_what_it_removed_per_class_and_can_keep_the_class_balance()
    {
        // Five classes, twelve samples each; the ELBO ceiling removes a different share from each class (this 2-epoch model
        // draws classes 5, 7, 8 and 9 so badly that it removes them whole, so they are left out).
        string[] classes = ["0", "2", "3", "4", "6"];
        var request = new { mode = "perClass", count = 60, seed = 4, temperature = 0.5, classes, filter = new { maxElboPercentile = 90 } };
        var plain = await WaitForEndAsync(await GenerateAsync(Owner, request));
        Assert.Equal("Succeeded", plain.GetProperty("status").GetString());
        var plainReport = FilterReport(plain);
        Assert.Equal("none", plainReport.GetProperty("balance").GetString());
        var plainClasses = Classes(plainReport);
        Assert.Equal(classes, plainClasses.Select(c => c.Name));
        Assert.All(plainClasses, c => Assert.Equal((12, 12, 0), (c.Generated, c.Target, c.ForBalance)));
        Assert.All(plainClasses, c => Assert.Equal(c.Generated - c.ByFilter, c.Kept));
        Assert.True(plainClasses.Sum(c => c.ByFilter) > 0, "the ceiling removed nothing; the test needs a filter that bites: " + plainReport);
        Assert.True(plainClasses.Min(c => c.Kept) > 0, "the ceiling removed a whole class; the test needs one that leaves some: " + plainReport);
        // The report agrees with the set's own class counts, and is stored in the filter's provenance too.
        Assert.Equal(plain.GetProperty("count").GetInt32(), plainClasses.Sum(c => c.Kept));
        var counted = plain.GetProperty("classes").EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!, c => c.GetProperty("count").GetInt32());
        Assert.All(plainClasses.Where(c => c.Kept > 0), c => Assert.Equal(c.Kept, counted[c.Name]));
        Assert.Equal(plainClasses.Sum(c => c.ByFilter), Classes(plain.GetProperty("provenance").GetProperty("filter").GetProperty("outcome")).Sum(c => c.ByFilter));

        // sameShare: the same samples are judged the same way, then every class keeps as many as the hardest-hit one.
        var same = await WaitForEndAsync(await GenerateAsync(Owner, new { request.mode, request.count, request.seed, request.temperature, classes, filter = new { maxElboPercentile = 90, balance = "sameShare" } }));
        var sameClasses = Classes(FilterReport(same));
        var fewest = plainClasses.Min(c => c.Kept);
        Assert.All(sameClasses, c => Assert.Equal(fewest, c.Kept));
        Assert.Equal(plainClasses.Select(c => c.ByFilter), sameClasses.Select(c => c.ByFilter));
        Assert.All(sameClasses, c => Assert.Equal(c.Generated, c.ByFilter + c.ForBalance + c.Kept));
        Assert.Equal(5 * fewest, same.GetProperty("count").GetInt32());

        // topUp: generate more until every class has its twelve.
        var topped = await WaitForEndAsync(await GenerateAsync(Owner, new { request.mode, request.count, request.seed, request.temperature, classes, filter = new { maxElboPercentile = 90, balance = "topUp", maxAttempts = 2000 } }));
        var toppedReport = FilterReport(topped);
        Assert.False(toppedReport.GetProperty("boundHit").GetBoolean(), toppedReport.ToString());
        Assert.Equal(2000, toppedReport.GetProperty("maxAttempts").GetInt32());
        Assert.All(Classes(toppedReport), c => Assert.Equal((12, 12), (c.Kept, c.Target)));
        Assert.Equal(60, topped.GetProperty("count").GetInt32());
        Assert.True(toppedReport.GetProperty("attempts").GetInt32() > 60);
        Assert.Equal(toppedReport.GetProperty("attempts").GetInt32(), topped.GetProperty("provenance").GetProperty("generated").GetInt32());
    }

    [Fact]
    public async Task A_top_up_that_hits_its_bound_says_so_and_keeps_what_it_has()
    {
        // Zero spread decodes the same reconstructions again and again: every one is within 100 of a training image.
        var set = await WaitForEndAsync(await GenerateAsync(Owner, new
        {
            mode = "variations", count = 10, spread = 0, seed = 1, imageIds = new[] { 0, 1 },
            filter = new { minDistance = 100, balance = "topUp", maxAttempts = 25 },
        }));
        Assert.Equal("Succeeded", set.GetProperty("status").GetString());
        Assert.Equal(0, set.GetProperty("count").GetInt32());
        var report = FilterReport(set);
        Assert.True(report.GetProperty("boundHit").GetBoolean());
        Assert.Equal(25, report.GetProperty("attempts").GetInt32());
        var message = report.GetProperty("message").GetString()!;
        Assert.Contains("bound of 25", message);
        Assert.Contains("has 0 of", message);
        Assert.Equal(25, Classes(report).Sum(c => c.Generated));
    }

    [Theory]
    [InlineData("{\"count\":3,\"filter\":{\"maxElboPercentile\":50,\"balance\":\"evenly\"}}", "filter.balance", "sameShare")]
    [InlineData("{\"count\":3,\"filter\":{\"balance\":\"topUp\"}}", "filter.balance", "maxElboPercentile")]
    [InlineData("{\"count\":3,\"filter\":{\"maxElboPercentile\":50,\"maxAttempts\":10}}", "filter.maxAttempts", "topUp")]
    [InlineData("{\"count\":30,\"filter\":{\"maxElboPercentile\":50,\"balance\":\"topUp\",\"maxAttempts\":10}}", "filter.maxAttempts", "between the count (30)")]
    [InlineData("{\"count\":3,\"filter\":{\"maxElboPercentile\":50,\"balance\":\"topUp\",\"maxAttempts\":1000001}}", "filter.maxAttempts", "1000000")]
    [InlineData("{\"count\":3,\"filter\":{\"minDistance\":1,\"space\":\"fourier\"}}", "filter.space", "pixel or latent")]
    public async Task Bad_balance_options_get_400_naming_the_field(string body, string field, string reason)
    {
        var response = await Owner.Client.PostAsync($"/api/models/{fixture.ModelId}/generate", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        var problem = await ApiClient.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains(reason, problem.GetProperty("detail").GetString());
        Assert.Contains(reason, problem.GetProperty("errors").GetProperty(field)[0].GetString());
    }

    private static JsonElement FilterReport(JsonElement set) => set.GetProperty("provenance").GetProperty("filterReport");

    private static List<(string Name, int Target, int Generated, int ByFilter, int ForBalance, int Kept)> Classes(JsonElement report) =>
        [.. report.GetProperty("classes").EnumerateArray().Select(c => (c.GetProperty("class").GetString()!, c.GetProperty("target").GetInt32(),
            c.GetProperty("generated").GetInt32(), c.GetProperty("removedByFilter").GetInt32(), c.GetProperty("removedForBalance").GetInt32(), c.GetProperty("kept").GetInt32()))];

    [Fact]
    public async Task Another_team_gets_404_and_a_viewer_can_read_and_export_but_not_generate_or_delete()
    {
        var id = await GenerateAsync(Owner, new { count = 3, seed = 1 });
        await WaitForEndAsync(id);

        var stranger = await fixture.Factory.RegisterWithTokenAsync();
        await ApiClient.AssertProblemAsync(await stranger.Client.GetAsync($"/api/augmented/{id}"), HttpStatusCode.NotFound);
        await ApiClient.AssertProblemAsync(await stranger.Client.GetAsync($"/api/augmented/{id}/export"), HttpStatusCode.NotFound);
        await ApiClient.AssertProblemAsync(await stranger.Client.GetAsync($"/api/augmented/{id}/images/0.png"), HttpStatusCode.NotFound);
        await ApiClient.AssertProblemAsync(await stranger.Client.DeleteAsync($"/api/augmented/{id}"), HttpStatusCode.NotFound);
        await ApiClient.AssertProblemAsync(await stranger.Client.PostAsJsonAsync($"/api/models/{fixture.ModelId}/generate", new { count = 3 }), HttpStatusCode.NotFound);
        Assert.DoesNotContain((await stranger.GetJsonAsync("/api/augmented")).EnumerateArray(), s => s.GetProperty("id").GetGuid() == id);

        var invite = await Owner.Client.PostAsJsonAsync($"/api/teams/{fixture.TeamId}/invites", new { role = "Viewer" });
        var code = (await invite.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString();
        var viewer = await fixture.Factory.RegisterWithTokenAsync();
        await ApiClient.EnsureStatusAsync(await viewer.Client.PostAsJsonAsync("/api/teams/join", new { code }), HttpStatusCode.OK);
        Assert.Contains((await viewer.GetJsonAsync($"/api/augmented?teamId={fixture.TeamId}")).EnumerateArray(), s => s.GetProperty("id").GetGuid() == id);
        var export = await viewer.Client.GetAsync($"/api/augmented/{id}/export");
        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        await ApiClient.AssertProblemAsync(await viewer.Client.PostAsJsonAsync($"/api/models/{fixture.ModelId}/generate", new { count = 3 }), HttpStatusCode.Forbidden);
        await ApiClient.AssertProblemAsync(await viewer.Client.DeleteAsync($"/api/augmented/{id}"), HttpStatusCode.Forbidden);
    }

    [Theory]
    [InlineData("{\"mode\":\"sideways\",\"count\":3}", "mode")]
    [InlineData("{\"count\":0}", "count")]
    [InlineData("{\"count\":100001}", "count")]
    [InlineData("{\"count\":3,\"temperature\":5}", "temperature")]
    [InlineData("{\"mode\":\"variations\",\"count\":3}", "imageIds")]
    [InlineData("{\"mode\":\"variations\",\"count\":3,\"imageIds\":[300]}", "not in the dataset")]
    [InlineData("{\"mode\":\"perClass\",\"count\":3,\"classes\":[\"cat\"]}", "not a class")]
    [InlineData("{\"count\":3,\"filter\":{\"maxElboPercentile\":0}}", "percentile")]
    [InlineData("{\"count\":3,\"filter\":{\"minDistance\":1,\"space\":\"fourier\"}}", "space")]
    public async Task Bad_requests_get_400_with_the_reason(string body, string reason)
    {
        var response = await Owner.Client.PostAsync($"/api/models/{fixture.ModelId}/generate", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        var problem = await ApiClient.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains(reason, problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task The_preview_shows_the_first_samples_the_saved_set_holds()
    {
        var request = new { mode = "prior", count = 5, seed = 9 };
        var preview = await Owner.Client.PostAsJsonAsync($"/api/models/{fixture.ModelId}/generate/preview", request);
        Assert.Equal(HttpStatusCode.OK, preview.StatusCode);
        Assert.Equal("5", preview.Headers.GetValues("X-Kept").Single());
        var grid = PngDecoder.Decode(await preview.Content.ReadAsByteArrayAsync());
        // Five 28-pixel tiles in one row with 2-pixel gaps.
        Assert.Equal((5 * 28 + 6 * 2, 28 + 2 * 2), (grid.Width, grid.Height));
        // The first tile equals the saved set's first image.
        var id = await GenerateAsync(Owner, request);
        await WaitForEndAsync(id);
        var first = PngDecoder.Decode(await ImageAsync(id, 0));
        for (var y = 0; y < 28; y++)
            Assert.Equal(first.Pixels.AsSpan(y * 28, 28).ToArray(), grid.Pixels.AsSpan((y + 2) * grid.Width + 2, 28).ToArray());
    }

    [Fact]
    public async Task Deleting_a_set_removes_it_and_its_unshared_images()
    {
        var id = await GenerateAsync(Owner, new { count = 4, seed = 77 });
        await WaitForEndAsync(id);
        var png = await ImageAsync(id, 0);
        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(png));
        var blobs = fixture.Factory.Services.GetRequiredService<VaeWorkbench.Web.Storage.BlobStore>();
        Assert.True(blobs.Exists(hash));
        await ApiClient.EnsureStatusAsync(await Owner.Client.DeleteAsync($"/api/augmented/{id}"), HttpStatusCode.NoContent);
        await ApiClient.AssertProblemAsync(await Owner.Client.GetAsync($"/api/augmented/{id}"), HttpStatusCode.NotFound);
        Assert.False(blobs.Exists(hash));
    }

    [Fact]
    public async Task Merging_a_set_with_its_source_makes_a_ready_dataset_with_both_and_a_run_trains_on_it()
    {
        var id = await GenerateAsync(Owner, new { mode = "perClass", count = 20, seed = 8, classes = new[] { "1", "8" } });
        await WaitForEndAsync(id);
        var merged = await Owner.Client.PostAsJsonAsync($"/api/augmented/{id}/merge", new { name = "fashion + generated" });
        await ApiClient.EnsureStatusAsync(merged, HttpStatusCode.Created);
        var datasetId = (await merged.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("datasetId").GetGuid();
        var dataset = await Owner.GetJsonAsync($"/api/datasets/{datasetId}");
        Assert.Equal("Ready", dataset.GetProperty("status").GetString());
        Assert.Equal(AugmentationFixture.DatasetCount + 20, dataset.GetProperty("imageCount").GetInt32());
        var source = await Owner.GetJsonAsync($"/api/datasets/{fixture.DatasetId}");
        int Count(JsonElement d, string name) => d.GetProperty("report").GetProperty("classes").EnumerateArray()
            .Where(c => c.GetProperty("name").GetString() == name).Select(c => c.GetProperty("count").GetInt32()).SingleOrDefault();
        Assert.Equal(Count(source, "1") + 10, Count(dataset, "1"));
        Assert.Equal(Count(source, "8") + 10, Count(dataset, "8"));
        Assert.Equal(Count(source, "0"), Count(dataset, "0"));
        // The generated images follow the originals, as stored PNGs identical in pixels to the set's.
        var generated = PngDecoder.Decode(await Owner.Client.GetByteArrayAsync($"/api/datasets/{datasetId}/images/{AugmentationFixture.DatasetCount}.png"));
        Assert.Equal(PngDecoder.Decode(await ImageAsync(id, 0)).Pixels, generated.Pixels);

        var run = await Owner.Client.PostAsJsonAsync("/api/runs", new { datasetId, epochs = 1, batch = 64 });
        await ApiClient.EnsureStatusAsync(run, HttpStatusCode.Created);
        var runId = (await run.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var done = await Eventually.WaitForAsync(() => Owner.GetJsonAsync($"/api/runs/{runId}"),
            r => r.GetProperty("status").GetString() is "Succeeded" or "Failed", TimeSpan.FromMinutes(2), "training on the merged dataset");
        Assert.Equal("Succeeded", done.GetProperty("status").GetString());
    }

    private static byte[] Read(ZipArchive zip, string name)
    {
        using var stream = (zip.GetEntry(name) ?? throw new Xunit.Sdk.XunitException($"no entry {name}")).Open();
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
