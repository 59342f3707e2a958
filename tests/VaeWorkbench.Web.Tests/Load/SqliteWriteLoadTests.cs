using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using VaeWorkbench.Web.Audit;
using VaeWorkbench.Web.Data;
using VaeWorkbench.Web.Data.Entities;
using VaeWorkbench.Web.Tests.Infrastructure;
using Xunit.Abstractions;

namespace VaeWorkbench.Web.Tests.Load;

/// <summary>
/// Issue 9, item 19: twenty writers on one SQLite file for two minutes (VWB_LOAD_SECONDS shortens it for local runs):
/// eight upload datasets, ten record review decisions, and two training jobs record an epoch every few milliseconds.
/// Every acknowledged write must be in the database afterwards, and "database is locked" must appear nowhere.
/// </summary>
[Collection(LoadCollection.Name)]
public sealed class SqliteWriteLoadTests(ITestOutputHelper output) : IDisposable
{
    private const int Uploaders = 8;
    private const int Reviewers = 10;
    private const int PrivateImagesPerReviewer = 3;
    private const int SharedImages = 5;
    private static readonly TimeSpan JobTimeout = TimeSpan.FromMinutes(3);

    private readonly CapturedLog _log = new();
    private readonly WorkbenchFactory _root = new(new(WorkbenchFactory.FastTraining())
    {
        ["Training:MaxConcurrentRuns"] = "2",
        ["Scoring:Threads"] = "1",
        ["Scoring:PollSeconds"] = "1",
        // The uploaders are one user on purpose (all writes land in one team); the per-user upload limit has its own test.
        ["Datasets:MaxConcurrentUploadsPerUser"] = Uploaders.ToString(System.Globalization.CultureInfo.InvariantCulture),
    });

    [Fact]
    public async Task Twenty_parallel_writers_lose_no_acknowledged_write_and_never_see_database_is_locked()
    {
        var factory = _root.WithWebHostBuilder(b => b.ConfigureLogging(l => l.AddProvider(_log)));
        var seconds = int.TryParse(Environment.GetEnvironmentVariable("VWB_LOAD_SECONDS"), out var s) && s > 0 ? s : 120;
        var owner = await factory.RegisterWithTokenAsync();
        var teamId = await owner.PersonalTeamIdAsync();
        var (jobId, imageIds) = await ScoredImagesAsync(factory, owner, teamId, PrivateImagesPerReviewer * Reviewers + SharedImages);
        var trainings = await StartEndlessTrainingsAsync(factory, owner, teamId);
        var (zip, _) = DatasetUploads.FashionZip(perClass: 2, classes: [0, 1]);

        var failures = new ConcurrentQueue<string>();
        var uploads = new ConcurrentBag<(Guid Id, double Ms)>();
        var reviews = new ConcurrentBag<(int Writer, int Sequence, long ImageId, string Note, double Ms)>();
        var deadline = Stopwatch.StartNew();
        var writers = Enumerable.Range(0, Uploaders).Select(w => Task.Run(async () =>
        {
            for (var n = 0; deadline.Elapsed.TotalSeconds < seconds; n++)
            {
                var started = Stopwatch.GetTimestamp();
                using var form = DatasetUploads.Form($"load-{w}-{n}", 28, 1, [("fashion.zip", zip)]);
                var response = await owner.Client.PostAsync("/api/datasets", form);
                if (response.StatusCode != HttpStatusCode.Created) { failures.Enqueue($"upload {w}/{n}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}"); continue; }
                var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
                uploads.Add((id, Stopwatch.GetElapsedTime(started).TotalMilliseconds));
            }
        })).Concat(Enumerable.Range(0, Reviewers).Select(w => Task.Run(async () =>
        {
            string[] verdicts = ["Anomaly", "Normal", "Skip"];
            for (var n = 0; deadline.Elapsed.TotalSeconds < seconds; n++)
            {
                // Even turns decide one of this writer's own images, odd turns one that every reviewer fights over.
                var imageId = n % 2 == 0 ? imageIds[w * PrivateImagesPerReviewer + n / 2 % PrivateImagesPerReviewer] : imageIds[^(1 + n / 2 % SharedImages)];
                var note = $"writer {w} write {n}";
                var started = Stopwatch.GetTimestamp();
                var response = await owner.Client.PostAsJsonAsync("/api/reviews", new { imageId, scoreJobId = jobId, decision = verdicts[n % 3], note });
                if (response.StatusCode != HttpStatusCode.OK) { failures.Enqueue($"review {w}/{n}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}"); continue; }
                reviews.Add((w, n, imageId, note, Stopwatch.GetElapsedTime(started).TotalMilliseconds));
            }
        }))).ToList();
        await Task.WhenAll(writers);
        var elapsed = deadline.Elapsed.TotalSeconds;
        // 100,000 epochs outlast the load on this machine; a much faster one may finish first, which is as good.
        foreach (var runId in trainings) await owner.Client.PostAsync($"/api/runs/{runId}/cancel", null);
        foreach (var runId in trainings)
            await Eventually.WaitForAsync(() => owner.GetJsonAsync($"/api/runs/{runId}"), r => r.GetProperty("status").GetString() is not ("Running" or "Queued"), JobTimeout, $"run {runId} to stop");

        using var scope = factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var epochs = new List<int>();
        foreach (var runId in trainings)
        {
            var run = await db.TrainingRuns.AsNoTracking().SingleAsync(r => r.Id == runId);
            Assert.True(run.Status is RunStatus.Cancelled or RunStatus.Succeeded, $"run {runId} ended {run.Status}: {run.Error}");
            // Every epoch the job recorded is there, in order, and the run's counter agrees with its history.
            var recorded = await db.RunEpochs.Where(e => e.RunId == runId).OrderBy(e => e.Epoch).Select(e => e.Epoch).ToListAsync();
            Assert.Equal(Enumerable.Range(1, run.Epoch), recorded);
            epochs.Add(run.Epoch);
        }

        var uploadIds = uploads.Select(u => u.Id).ToHashSet();
        var stored = await db.Datasets.Where(d => d.Status == DatasetStatus.Ready && d.ImageCount == 4 && d.Name.StartsWith("load-")).Select(d => d.Id).ToListAsync();
        Assert.Subset(stored.ToHashSet(), uploadIds);
        Assert.Equal(uploads.Count, await db.AuditEntries.CountAsync(a => a.Action == AuditActions.DatasetUploaded));
        Assert.Equal(reviews.Count, await db.AuditEntries.CountAsync(a => a.Action == AuditActions.ReviewRecorded));
        var decisions = await db.ReviewDecisions.AsNoTracking().Where(d => d.ScoreJobId == jobId).ToDictionaryAsync(d => d.DatasetImageId);
        foreach (var image in reviews.GroupBy(r => r.ImageId))
        {
            var note = decisions[image.Key].Note;
            var deciders = image.Select(r => r.Writer).Distinct().Count();
            // A writer's own image ends with that writer's last acknowledged decision; a shared one with one of the acknowledged ones.
            if (deciders == 1) Assert.Equal(image.MaxBy(r => r.Sequence).Note, note);
            else Assert.Contains(note, image.Select(r => r.Note));
        }

        var locked = _log.Lines.Where(l => l.Contains("database is locked", StringComparison.OrdinalIgnoreCase)).ToList();
        output.WriteLine($"SQLite write load: {Uploaders + Reviewers + trainings.Count} writers for {elapsed:F0} s");
        output.WriteLine($"  uploads: {uploads.Count} acknowledged ({uploads.Count / elapsed:F1}/s), latency {Figures(uploads.Select(u => u.Ms))}");
        output.WriteLine($"  review decisions: {reviews.Count} acknowledged ({reviews.Count / elapsed:F1}/s), latency {Figures(reviews.Select(r => r.Ms))}");
        output.WriteLine($"  training epochs recorded: {string.Join(" + ", epochs)} ({epochs.Sum() / elapsed:F1}/s)");
        output.WriteLine($"  failed requests: {failures.Count}; log lines with 'database is locked': {locked.Count}; all acknowledged writes found");
        Assert.True(failures.IsEmpty, string.Join("\n", failures.Take(10)));
        Assert.True(locked.Count == 0, string.Join("\n", locked.Take(5)));
        Assert.True(uploads.Count >= Uploaders && reviews.Count >= Reviewers && epochs.All(e => e >= 1), "every kind of writer must have written");
    }

    private static string Figures(IEnumerable<double> samples)
    {
        var sorted = samples.Order().ToList();
        if (sorted.Count == 0) return "n/a";
        double At(double q) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(q * sorted.Count) - 1)];
        return $"p50 {At(0.5):F0} ms, p95 {At(0.95):F0} ms, max {sorted[^1]:F0} ms";
    }

    /// <summary>A one-epoch model scored on its 300 training images: a score job whose images reviewers can decide on.</summary>
    private static async Task<(Guid JobId, List<long> ImageIds)> ScoredImagesAsync(WebApplicationFactory<Program> factory, ApiUser owner, Guid teamId, int needed)
    {
        var datasetId = await factory.CreateFashionMnistAsync(teamId, 300);
        var imageIds = await DatasetImageRows.AddAsync(factory, datasetId);
        var run = await WaitForRunAsync(owner, await CreateRunAsync(owner, new { datasetId, epochs = 1, batch = 64 }), "Succeeded");
        var started = await owner.Client.PostAsJsonAsync($"/api/models/{run.GetProperty("modelId").GetGuid()}/scores", new { datasetId, method = "recon" });
        await ApiClient.EnsureStatusAsync(started, HttpStatusCode.Accepted);
        var jobId = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("jobId").GetGuid();
        var job = await Eventually.WaitForAsync(() => owner.GetJsonAsync($"/api/scores/{jobId}"),
            j => j.GetProperty("status").GetString() is "Succeeded" or "Failed", JobTimeout, "the score job");
        Assert.Equal("Succeeded", job.GetProperty("status").GetString());
        return (jobId, imageIds.Take(needed).ToList());
    }

    /// <summary>Two runs on 64 images with a tiny model: each records an epoch (and writes a checkpoint) every few milliseconds.</summary>
    private static async Task<List<Guid>> StartEndlessTrainingsAsync(WebApplicationFactory<Program> factory, ApiUser owner, Guid teamId)
    {
        var datasetId = await factory.CreateFashionMnistAsync(teamId, 64, "tiny");
        var runs = new List<Guid>();
        for (var i = 0; i < 2; i++)
            runs.Add(await CreateRunAsync(owner, new { datasetId, epochs = 100_000, batch = 64, hidden = new[] { 16 }, latent = 2, validationSplit = 0, seed = i + 1 }));
        foreach (var runId in runs)
            await Eventually.WaitForAsync(() => owner.GetJsonAsync($"/api/runs/{runId}"), r => r.GetProperty("epoch").GetInt32() >= 1, JobTimeout, $"run {runId} to record an epoch");
        return runs;
    }

    private static async Task<Guid> CreateRunAsync(ApiUser owner, object settings)
    {
        var created = await owner.Client.PostAsJsonAsync("/api/runs", settings);
        await ApiClient.EnsureStatusAsync(created, HttpStatusCode.Created);
        return (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    private static async Task<JsonElement> WaitForRunAsync(ApiUser owner, Guid runId, string status)
    {
        var run = await Eventually.WaitForAsync(() => owner.GetJsonAsync($"/api/runs/{runId}"),
            r => r.GetProperty("status").GetString() is "Succeeded" or "Failed" or "Cancelled", JobTimeout, $"run {runId}");
        Assert.True(run.GetProperty("status").GetString() == status, run.ToString());
        return run;
    }

    public void Dispose() => _root.Dispose();
}
