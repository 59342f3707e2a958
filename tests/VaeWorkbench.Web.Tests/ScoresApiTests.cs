using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using VaeWorkbench.Web.Data.Entities;
using VaeWorkbench.Web.Tests.Infrastructure;

namespace VaeWorkbench.Web.Tests;

public sealed class ScoresApiTests : IDisposable
{
    private static readonly TimeSpan JobTimeout = TimeSpan.FromMinutes(2);

    private List<long> _imageIds = [];

    private readonly WorkbenchFactory _factory = new(new()
    {
        ["Training:DefaultThreads"] = "1",
        ["Training:PollSeconds"] = "1",
        ["Scoring:Threads"] = "1",
        ["Scoring:PollSeconds"] = "1",
        ["Scoring:ProgressMilliseconds"] = "0",
    });

    [Fact]
    public async Task A_score_job_succeeds_with_a_threshold_flags_and_auroc_for_chosen_normal_classes()
    {
        var (owner, modelId, datasetId) = await TrainedModelAsync();
        var jobId = await StartAsync(owner, modelId, new { datasetId, method = "elbo", k = 2 });
        var job = await WaitForSucceededAsync(owner, jobId);

        Assert.Equal("elbo", job.GetProperty("method").GetString());
        var items = job.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(300, items.Count);
        Assert.Equal(_imageIds, items.Select(i => i.GetProperty("imageId").GetInt64())); // the dataset image ids, in index order
        Assert.Equal(Enumerable.Range(0, 300), items.Select(i => i.GetProperty("index").GetInt32()));
        Assert.True(items.All(i => i.GetProperty("score").GetDouble() > 0));
        // Default rule: the 99th percentile, strictly above → 3 of 300 distinct scores.
        var threshold = job.GetProperty("threshold");
        Assert.Equal("Percentile", threshold.GetProperty("mode").GetString());
        Assert.Equal(99, threshold.GetProperty("value").GetDouble());
        Assert.Equal(3, items.Count(i => i.GetProperty("flagged").GetBoolean()));
        Assert.True(items.Where(i => i.GetProperty("flagged").GetBoolean()).Min(i => i.GetProperty("score").GetDouble())
            > items.Where(i => !i.GetProperty("flagged").GetBoolean()).Max(i => i.GetProperty("score").GetDouble()));
        Assert.Equal(JsonValueKind.Null, job.GetProperty("auroc").ValueKind);

        // Trouser (1) as the only normal class: the model saw mostly other clothes, but AUROC is defined and in range.
        var updated = await (await owner.Client.PutAsJsonAsync($"/api/scores/{jobId}/settings", new { thresholdMode = "RobustZ", thresholdValue = 3.5, normalClasses = new[] { 0, 2, 3, 4, 6 } })).Content.ReadFromJsonAsync<JsonElement>();
        var auroc = updated.GetProperty("auroc").GetDouble();
        Assert.InRange(auroc, 0, 1);
        Assert.InRange(updated.GetProperty("averagePrecision").GetDouble(), 0, 1);
        Assert.Equal("RobustZ", updated.GetProperty("threshold").GetProperty("mode").GetString());
        Assert.Equal(auroc, (await owner.GetJsonAsync($"/api/scores/{jobId}")).GetProperty("auroc").GetDouble());
        await ApiClient.AssertProblemAsync(await owner.Client.PutAsJsonAsync($"/api/scores/{jobId}/settings", new { thresholdMode = "Percentile", thresholdValue = 150 }), HttpStatusCode.BadRequest);

        // Every method the engine offers runs through the same queue.
        foreach (var method in new[] { "recon", "latent", "complexity" })
        {
            var other = await WaitForSucceededAsync(owner, await StartAsync(owner, modelId, new { datasetId, method }));
            Assert.Equal(300, other.GetProperty("items").GetArrayLength());
        }
        await ApiClient.AssertProblemAsync(await owner.Client.PostAsJsonAsync($"/api/models/{modelId}/scores", new { datasetId, method = "likelihood" }), HttpStatusCode.BadRequest);
        await ApiClient.AssertProblemAsync(await owner.Client.PostAsJsonAsync($"/api/models/{modelId}/scores", new { datasetId, method = "iwae", k = 0 }), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_score_job_reports_progress_after_every_batch_and_it_only_rises()
    {
        var (owner, modelId, datasetId) = await TrainedModelAsync();
        var updates = new System.Collections.Concurrent.ConcurrentQueue<Scoring.ScoreUpdate>();
        var events = _factory.Services.GetRequiredService<Scoring.ScoreEvents>();
        void Record(Scoring.ScoreUpdate update) => updates.Enqueue(update);
        events.Updated += Record;
        Guid jobId;
        try
        {
            jobId = await StartAsync(owner, modelId, new { datasetId, method = "elbo", k = 2 });
            await WaitForSucceededAsync(owner, jobId);
        }
        finally
        {
            events.Updated -= Record;
        }

        // 300 images are one chunk of the job but two inference batches (256 + 44): the bar moves after each batch.
        var running = updates.Where(u => u.JobId == jobId && u.Status == ScoreJobStatus.Running).Select(u => u.Progress).ToList();
        Assert.Equal([256 / 300.0, 1.0], running);
        Assert.Equal(1.0, updates.Last(u => u.JobId == jobId).Progress);
    }

    [Fact]
    public async Task Another_team_gets_404_a_viewer_cannot_score_or_review_and_decisions_are_stored_with_the_reviewer()
    {
        var (owner, modelId, datasetId) = await TrainedModelAsync();
        var jobId = await StartAsync(owner, modelId, new { datasetId, method = "recon" });
        var job = await WaitForSucceededAsync(owner, jobId);

        var stranger = await _factory.RegisterWithTokenAsync();
        await ApiClient.AssertProblemAsync(await stranger.Client.GetAsync($"/api/scores/{jobId}"), HttpStatusCode.NotFound);
        await ApiClient.AssertProblemAsync(await stranger.Client.GetAsync($"/api/scores/{jobId}/reviews.csv"), HttpStatusCode.NotFound);
        await ApiClient.AssertProblemAsync(await stranger.Client.PostAsJsonAsync($"/api/models/{modelId}/scores", new { datasetId }), HttpStatusCode.NotFound);

        var viewer = await JoinAsync(owner, "Viewer");
        Assert.Equal(300, (await viewer.GetJsonAsync($"/api/scores/{jobId}")).GetProperty("items").GetArrayLength());
        await ApiClient.AssertProblemAsync(await viewer.Client.PostAsJsonAsync($"/api/models/{modelId}/scores", new { datasetId }), HttpStatusCode.Forbidden);

        var flagged = job.GetProperty("items").EnumerateArray().Where(i => i.GetProperty("flagged").GetBoolean())
            .OrderByDescending(i => i.GetProperty("score").GetDouble()).Select(i => i.GetProperty("imageId").GetInt64()).ToList();
        Assert.Equal(3, flagged.Count);
        await ApiClient.AssertProblemAsync(await viewer.Client.PostAsJsonAsync("/api/reviews", new { imageId = flagged[0], scoreJobId = jobId, decision = "Anomaly" }), HttpStatusCode.Forbidden);

        var editor = await JoinAsync(owner, "Editor");
        await DecideAsync(editor, flagged[0], jobId, "Anomaly", "=HYPERLINK(\"http://x\"), torn");
        await DecideAsync(owner, flagged[1], jobId, "Normal", null);
        await DecideAsync(editor, flagged[2], jobId, "Skip", "line one\nline two");
        await DecideAsync(editor, flagged[1], jobId, "Anomaly", "changed my mind"); // replaces the owner's decision
        await ApiClient.AssertProblemAsync(await editor.Client.PostAsJsonAsync("/api/reviews", new { imageId = flagged[0], scoreJobId = jobId, decision = "Maybe" }), HttpStatusCode.BadRequest);
        // An image this job did not score reads as not found, like another team's image (EndpointPermissionTests).
        await ApiClient.AssertProblemAsync(await editor.Client.PostAsJsonAsync("/api/reviews", new { imageId = 999_999, scoreJobId = jobId, decision = "Normal" }), HttpStatusCode.NotFound);
        await ApiClient.AssertProblemAsync(await stranger.Client.PostAsJsonAsync("/api/reviews", new { imageId = flagged[0], scoreJobId = jobId, decision = "Normal" }), HttpStatusCode.NotFound);

        var reviews = (await viewer.GetJsonAsync($"/api/scores/{jobId}/reviews")).EnumerateArray().ToList();
        Assert.Equal(3, reviews.Count);
        Assert.All(reviews, r => Assert.Equal(editor.Email, r.GetProperty("reviewer").GetString()));
        Assert.Equal("Anomaly", reviews.Single(r => r.GetProperty("imageId").GetInt64() == flagged[1]).GetProperty("decision").GetString());

        // Every decision is in the team's audit log, with who made it.
        var teamId = (await owner.GetJsonAsync("/api/me")).GetProperty("currentTeamId").GetGuid();
        var audited = (await owner.GetJsonAsync($"/api/teams/{teamId}/audit?action=review.recorded")).EnumerateArray().ToList();
        Assert.Equal(4, audited.Count);
        Assert.Equal(3, audited.Count(a => a.GetProperty("userEmail").GetString() == editor.Email));

        var csv = await viewer.Client.GetStringAsync($"/api/scores/{jobId}/reviews.csv");
        var lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("image,class,score,method,decision,reviewer,decided_at,note", lines[0]);
        Assert.Matches(@"^t10k/\d{5}\.png,\d,", lines[1]); // image name and class name
        Assert.Contains(",recon,Anomaly," + editor.Email + ",", lines[1]);
        Assert.EndsWith(",\"'=HYPERLINK(\"\"http://x\"\"), torn\"", lines[1]); // formula neutralised, then quoted
        Assert.Contains("\"line one\nline two\"", csv); // a line break stays inside one quoted field
        Assert.Contains(",recon,Skip,", csv);
        Assert.Matches(@",\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ,", lines[1]);

        // The two confirmed anomalies leave a cleaned copy of the dataset; the source keeps all 300.
        await ApiClient.AssertProblemAsync(await viewer.Client.PostAsJsonAsync($"/api/scores/{jobId}/cleaned-dataset", new { }), HttpStatusCode.Forbidden);
        var cleaned = await editor.Client.PostAsJsonAsync($"/api/scores/{jobId}/cleaned-dataset", new { name = "fashion without tears" });
        await ApiClient.EnsureStatusAsync(cleaned, HttpStatusCode.Created);
        var body = await cleaned.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((298, 2), (body.GetProperty("kept").GetInt32(), body.GetProperty("excluded").GetInt32()));
        var cleanedId = body.GetProperty("datasetId").GetGuid();
        var summary = await owner.GetJsonAsync($"/api/datasets/{cleanedId}");
        Assert.Equal(("fashion without tears", 298, "Ready"), (summary.GetProperty("name").GetString(), summary.GetProperty("imageCount").GetInt32(), summary.GetProperty("status").GetString()));
        var names = (await owner.GetJsonAsync($"/api/datasets/{cleanedId}/images?take=300")).GetProperty("items").EnumerateArray().Select(i => i.GetProperty("originalName").GetString()).ToList();
        Assert.Equal(298, names.Distinct().Count());
        Assert.Equal(300, (await owner.GetJsonAsync($"/api/datasets/{datasetId}")).GetProperty("imageCount").GetInt32());
        // Its report lists the source's ten classes in label order, each with the source's count minus the removed images.
        var sourceLabels = (await owner.GetJsonAsync($"/api/datasets/{datasetId}/images?take=300")).GetProperty("items").EnumerateArray()
            .ToDictionary(i => i.GetProperty("index").GetInt32(), i => i.GetProperty("label").GetInt32());
        var removedLabels = flagged.Take(2).Select(id => sourceLabels[_imageIds.IndexOf(id)]).ToList();
        var expectedClasses = Enumerable.Range(0, 10).Select(label => (label.ToString(), sourceLabels.Values.Count(l => l == label) - removedLabels.Count(l => l == label))).ToList();
        var cleanedClasses = summary.GetProperty("report").GetProperty("classes").EnumerateArray()
            .Select(c => (c.GetProperty("name").GetString()!, c.GetProperty("count").GetInt32())).ToList();
        Assert.Equal(expectedClasses, cleanedClasses);
        Assert.Equal(298, cleanedClasses.Sum(c => c.Item2));
        Assert.Equal(0, summary.GetProperty("report").GetProperty("unlabeled").GetInt32());
        // The cleaned dataset trains and scores like any other: its tensor holds the 298 kept images.
        var rescored = await WaitForSucceededAsync(owner, await StartAsync(owner, modelId, new { datasetId = cleanedId, method = "recon" }));
        var originalScores = job.GetProperty("items").EnumerateArray().Where(i => !flagged.Take(2).Contains(i.GetProperty("imageId").GetInt64()))
            .Select(i => i.GetProperty("score").GetDouble()).ToList();
        Assert.Equal(originalScores, rescored.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("score").GetDouble()).ToList());
    }

    [Fact]
    public async Task Bulk_decisions_and_undo_walk_back_the_callers_own_decisions_with_per_item_authorization()
    {
        var (owner, modelId, datasetId) = await TrainedModelAsync();
        var jobId = await StartAsync(owner, modelId, new { datasetId, method = "recon" });
        var items = (await WaitForSucceededAsync(owner, jobId)).GetProperty("items").EnumerateArray().Select(i => i.GetProperty("imageId").GetInt64()).Take(6).ToList();
        var editor = await JoinAsync(owner, "Editor");
        var viewer = await JoinAsync(owner, "Viewer");
        var stranger = await _factory.RegisterWithTokenAsync();
        var strangerDataset = await _factory.CreateFashionMnistAsync(await stranger.PersonalTeamIdAsync(), 5, "stranger's");
        var strangerImage = (await DatasetImageRows.AddAsync(_factory, strangerDataset))[0];

        // Refusals change nothing: a viewer may not decide, a stranger does not see the queue, another team's image (or
        // any image this job did not score) is not found, bad input is named.
        await ApiClient.AssertProblemAsync(await viewer.Client.PostAsJsonAsync($"/api/scores/{jobId}/reviews/bulk", new { imageIds = items, decision = "Anomaly" }), HttpStatusCode.Forbidden);
        await ApiClient.AssertProblemAsync(await viewer.Client.PostAsJsonAsync($"/api/scores/{jobId}/reviews/undo", new { }), HttpStatusCode.Forbidden);
        await ApiClient.AssertProblemAsync(await stranger.Client.PostAsJsonAsync($"/api/scores/{jobId}/reviews/bulk", new { imageIds = items, decision = "Anomaly" }), HttpStatusCode.NotFound);
        await ApiClient.AssertProblemAsync(await stranger.Client.PostAsJsonAsync($"/api/scores/{jobId}/reviews/undo", new { }), HttpStatusCode.NotFound);
        await ApiClient.AssertProblemAsync(await editor.Client.PostAsJsonAsync($"/api/scores/{jobId}/reviews/bulk", new { imageIds = new[] { items[0], strangerImage }, decision = "Anomaly" }), HttpStatusCode.NotFound);
        await ApiClient.AssertProblemAsync(await editor.Client.PostAsJsonAsync($"/api/scores/{jobId}/reviews/bulk", new { imageIds = new[] { items[0], 999_999L }, decision = "Normal" }), HttpStatusCode.NotFound);
        Assert.Contains("decision", (await ApiClient.AssertProblemAsync(await editor.Client.PostAsJsonAsync($"/api/scores/{jobId}/reviews/bulk", new { imageIds = items, decision = "Maybe" }), HttpStatusCode.BadRequest)).GetProperty("detail").GetString());
        Assert.Contains("imageIds", (await ApiClient.AssertProblemAsync(await editor.Client.PostAsJsonAsync($"/api/scores/{jobId}/reviews/bulk", new { imageIds = Array.Empty<long>(), decision = "Normal" }), HttpStatusCode.BadRequest)).GetProperty("detail").GetString());
        Assert.Empty((await owner.GetJsonAsync($"/api/scores/{jobId}/reviews")).EnumerateArray());

        // The editor confirms four images at once, then changes their mind on the first; the owner dismisses four.
        var bulk = await editor.Client.PostAsJsonAsync($"/api/scores/{jobId}/reviews/bulk", new { imageIds = items.Take(4).Append(items[0]), decision = "anomaly", note = "torn" });
        await ApiClient.EnsureStatusAsync(bulk, HttpStatusCode.OK);
        var bulkBody = await bulk.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(4, bulkBody.GetProperty("decided").GetInt32()); // a repeated id counts once
        Assert.All(bulkBody.GetProperty("reviews").EnumerateArray(), r => Assert.Equal(editor.Email, r.GetProperty("reviewer").GetString()));
        await DecideAsync(editor, items[0], jobId, "Normal", null);
        var ownerBulk = await owner.Client.PostAsJsonAsync($"/api/scores/{jobId}/reviews/bulk", new { imageIds = items.Skip(2).Take(4), decision = "Normal" });
        await ApiClient.EnsureStatusAsync(ownerBulk, HttpStatusCode.OK);
        Assert.Equal(["Normal", "Anomaly", "Normal", "Normal", "Normal", "Normal"], await DecisionsAsync());

        // Undo 1: the editor's last single decision; the first image is an anomaly again, with the bulk's note.
        var first = await UndoAsync(editor);
        Assert.Equal(items[0], Assert.Single(first.GetProperty("undone").EnumerateArray()).GetProperty("imageId").GetInt64());
        Assert.Equal("Anomaly", first.GetProperty("undone")[0].GetProperty("restored").GetString());
        Assert.Equal(1, first.GetProperty("remaining").GetInt32());
        Assert.Equal(["Anomaly", "Anomaly", "Normal", "Normal", "Normal", "Normal"], await DecisionsAsync());
        Assert.Equal("torn", (await owner.GetJsonAsync($"/api/scores/{jobId}/reviews")).EnumerateArray().Single(r => r.GetProperty("imageId").GetInt64() == items[0]).GetProperty("note").GetString());

        // Undo 2: the editor's bulk as a whole. Images 0 and 1 have no decision again; 2 and 3 keep the owner's newer one.
        var second = await UndoAsync(editor);
        Assert.Equal([items[0], items[1]], second.GetProperty("undone").EnumerateArray().Select(u => u.GetProperty("imageId").GetInt64()));
        Assert.All(second.GetProperty("undone").EnumerateArray(), u => Assert.Equal(JsonValueKind.Null, u.GetProperty("restored").ValueKind));
        Assert.Equal([items[2], items[3]], second.GetProperty("skipped").EnumerateArray().Select(u => u.GetProperty("imageId").GetInt64()));
        Assert.Equal([null, null, "Normal", "Normal", "Normal", "Normal"], await DecisionsAsync());

        // Undo 3: nothing left for the editor; the owner's decisions are not theirs to undo.
        var third = await UndoAsync(editor);
        Assert.Empty(third.GetProperty("undone").EnumerateArray());
        Assert.Equal(0, third.GetProperty("remaining").GetInt32());
        Assert.Equal([null, null, "Normal", "Normal", "Normal", "Normal"], await DecisionsAsync());

        // The owner's undo takes back their dismissals, and does not bring back the editor's undone confirmations.
        var owners = await UndoAsync(owner);
        Assert.Equal(4, owners.GetProperty("undone").GetArrayLength());
        Assert.Equal([null, null, null, null, null, null], await DecisionsAsync());

        // Every decision and every undo is audited, per image, with who did it.
        var teamId = await owner.PersonalTeamIdAsync();
        var recorded = (await owner.GetJsonAsync($"/api/teams/{teamId}/audit?action=review.recorded")).EnumerateArray().ToList();
        Assert.Equal(4 + 1 + 4, recorded.Count);
        var undone = (await owner.GetJsonAsync($"/api/teams/{teamId}/audit?action=review.undone")).EnumerateArray().ToList();
        Assert.Equal(3, undone.Count(a => a.GetProperty("userEmail").GetString() == editor.Email));
        Assert.Equal(4, undone.Count(a => a.GetProperty("userEmail").GetString() == owner.Email));

        async Task<JsonElement> UndoAsync(ApiUser user)
        {
            var response = await user.Client.PostAsJsonAsync($"/api/scores/{jobId}/reviews/undo", new { });
            await ApiClient.EnsureStatusAsync(response, HttpStatusCode.OK);
            return await response.Content.ReadFromJsonAsync<JsonElement>();
        }

        async Task<List<string?>> DecisionsAsync()
        {
            var reviews = (await owner.GetJsonAsync($"/api/scores/{jobId}/reviews")).EnumerateArray()
                .ToDictionary(r => r.GetProperty("imageId").GetInt64(), r => r.GetProperty("decision").GetString());
            return [.. items.Select(id => reviews.GetValueOrDefault(id))];
        }
    }

    private async Task<(ApiUser Owner, Guid ModelId, Guid DatasetId)> TrainedModelAsync()
    {
        var owner = await _factory.RegisterWithTokenAsync();
        var datasetId = await _factory.CreateFashionMnistAsync(await owner.PersonalTeamIdAsync(), 300);
        _imageIds = await DatasetImageRows.AddAsync(_factory, datasetId);
        var created = await owner.Client.PostAsJsonAsync("/api/runs", new { datasetId, epochs = 1, batch = 64, seed = 3 });
        await ApiClient.EnsureStatusAsync(created, HttpStatusCode.Created);
        var runId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var run = await Eventually.WaitForAsync(() => owner.GetJsonAsync($"/api/runs/{runId}"),
            r => r.GetProperty("status").GetString() is "Succeeded" or "Failed", JobTimeout, "the training run");
        Assert.True(run.GetProperty("status").GetString() == "Succeeded", run.ToString());
        return (owner, run.GetProperty("modelId").GetGuid(), datasetId);
    }

    private static async Task<Guid> StartAsync(ApiUser user, Guid modelId, object body)
    {
        var response = await user.Client.PostAsJsonAsync($"/api/models/{modelId}/scores", body);
        await ApiClient.EnsureStatusAsync(response, HttpStatusCode.Accepted);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("jobId").GetGuid();
    }

    private static async Task<JsonElement> WaitForSucceededAsync(ApiUser user, Guid jobId)
    {
        var job = await Eventually.WaitForAsync(() => user.GetJsonAsync($"/api/scores/{jobId}"),
            j => j.GetProperty("status").GetString() is "Succeeded" or "Failed", JobTimeout, $"score job {jobId}");
        Assert.True(job.GetProperty("status").GetString() == "Succeeded", job.ToString());
        return job;
    }

    private static async Task DecideAsync(ApiUser user, long imageId, Guid jobId, string decision, string? note)
    {
        var response = await user.Client.PostAsJsonAsync("/api/reviews", new { imageId, scoreJobId = jobId, decision, note });
        await ApiClient.EnsureStatusAsync(response, HttpStatusCode.OK);
        var stored = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(user.Email, stored.GetProperty("reviewer").GetString());
    }

    private async Task<ApiUser> JoinAsync(ApiUser owner, string role)
    {
        var teamId = await owner.PersonalTeamIdAsync();
        var invite = await owner.Client.PostAsJsonAsync($"/api/teams/{teamId}/invites", new { role });
        await ApiClient.EnsureStatusAsync(invite, HttpStatusCode.OK);
        var code = (await invite.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString()!;
        var member = await _factory.RegisterWithTokenAsync();
        await ApiClient.EnsureStatusAsync(await member.Client.PostAsJsonAsync("/api/teams/join", new { code }), HttpStatusCode.OK);
        return member;
    }

    public void Dispose() => _factory.Dispose();
}
