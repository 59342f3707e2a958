using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using VaeWorkbench.Web.Data;
using VaeWorkbench.Web.Inspection;
using VaeWorkbench.Web.Tests.Infrastructure;

namespace VaeWorkbench.Web.Tests;

/// <summary>A region of the latent map: resolved by the server as drawn, tagged (who/when, team-visible), and sent to review.</summary>
public sealed class LatentSelectionApiTests : IDisposable
{
    private readonly WorkbenchFactory _factory = new(new(TrainedRun.FastTraining) { ["Scoring:Threads"] = "1", ["Scoring:PollSeconds"] = "1" });

    [Fact]
    public async Task A_region_selects_what_the_map_draws_there_and_its_images_can_be_tagged_and_queued_for_review()
    {
        var owner = await _factory.RegisterWithTokenAsync();
        var teamId = await owner.PersonalTeamIdAsync();
        var (_, modelId, datasetId) = await TrainedRun.TrainAsync(_factory, owner, teamId);
        var imageIds = await DatasetImageRows.AddAsync(_factory, datasetId);
        var editor = await TrainedRun.JoinAsAsync(_factory, owner, teamId, "Editor");
        var viewer = await TrainedRun.JoinAsAsync(_factory, owner, teamId, "Viewer");
        var stranger = await _factory.RegisterWithTokenAsync();

        // The region API and the drawn map agree: the map's own renderer (the page's path) picks the same left half.
        LatentMapView drawn;
        using (var scope = _factory.Services.CreateScope())
        {
            var ownerId = scope.ServiceProvider.GetRequiredService<AppDbContext>().Users.Single(u => u.Email == owner.Email).Id;
            drawn = await scope.ServiceProvider.GetRequiredService<InspectionService>().LatentMapAsync(ownerId, modelId, pca: false, colourByScore: false);
        }
        var half = await RegionAsync(viewer, modelId, new { projection = "first", x0 = 0, y0 = 0, x1 = LatentMapRenderer.Size / 2, y1 = LatentMapRenderer.Size });
        Assert.Equal(drawn.Renderer.Within(0, 0, LatentMapRenderer.Size / 2, LatentMapRenderer.Size), half.Select(i => i.GetProperty("index").GetInt32()));
        Assert.InRange(half.Count, 1, 299);
        Assert.All(half, i => Assert.Equal(imageIds[i.GetProperty("index").GetInt32()], i.GetProperty("imageId").GetInt64()));
        var whole = await RegionAsync(viewer, modelId, new { x1 = LatentMapRenderer.Size, y1 = LatentMapRenderer.Size });
        Assert.Equal(300, whole.Count);
        await ApiClient.AssertProblemAsync(await stranger.Client.PostAsJsonAsync($"/api/models/{modelId}/latent-map/region", new { x1 = 10, y1 = 10 }), HttpStatusCode.NotFound);
        await ApiClient.AssertProblemAsync(await viewer.Client.PostAsJsonAsync($"/api/models/{modelId}/latent-map/region", new { projection = "tsne", x1 = 10, y1 = 10 }), HttpStatusCode.BadRequest);

        // Tagging: the Editor's tag is stored with who and when, visible to a Viewer, and filterable by tag.
        var selected = half.Select(i => i.GetProperty("imageId").GetInt64()).ToList();
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);
        var tagged = await PostOkAsync(editor, $"/api/datasets/{datasetId}/tags", new { tag = "  left cluster ", imageIds = selected });
        Assert.Equal(("left cluster", selected.Count, 0), (tagged.GetProperty("tag").GetString(), tagged.GetProperty("tagged").GetInt32(), tagged.GetProperty("alreadyTagged").GetInt32()));
        var again = await PostOkAsync(owner, $"/api/datasets/{datasetId}/tags", new { tag = "left cluster", imageIds = selected.Take(2) });
        Assert.Equal((0, 2), (again.GetProperty("tagged").GetInt32(), again.GetProperty("alreadyTagged").GetInt32()));
        var counts = (await viewer.GetJsonAsync($"/api/datasets/{datasetId}/tags")).EnumerateArray().ToList();
        Assert.Equal(("left cluster", selected.Count), (counts.Single().GetProperty("tag").GetString(), counts.Single().GetProperty("count").GetInt32()));
        var images = (await viewer.GetJsonAsync($"/api/datasets/{datasetId}/tags/left%20cluster")).EnumerateArray().ToList();
        Assert.Equal(selected, images.Select(i => i.GetProperty("imageId").GetInt64()));
        Assert.All(images, i => Assert.Equal(editor.Email, i.GetProperty("taggedBy").GetString())); // the first tagger stays
        Assert.All(images, i => Assert.InRange(i.GetProperty("taggedAt").GetDateTimeOffset(), before, DateTimeOffset.UtcNow.AddSeconds(1)));
        await ApiClient.AssertProblemAsync(await viewer.Client.PostAsJsonAsync($"/api/datasets/{datasetId}/tags", new { tag = "x", imageIds = selected }), HttpStatusCode.Forbidden);
        await ApiClient.AssertProblemAsync(await stranger.Client.GetAsync($"/api/datasets/{datasetId}/tags"), HttpStatusCode.NotFound);
        await ApiClient.AssertProblemAsync(await editor.Client.PostAsJsonAsync($"/api/datasets/{datasetId}/tags", new { tag = " ", imageIds = selected }), HttpStatusCode.BadRequest);
        await ApiClient.AssertProblemAsync(await editor.Client.PostAsJsonAsync($"/api/datasets/{datasetId}/tags", new { tag = "x", imageIds = new[] { -5L } }), HttpStatusCode.NotFound);

        // Sending to review: with a threshold that flags nothing, the queue holds exactly the region's images.
        var started = await owner.Client.PostAsJsonAsync($"/api/models/{modelId}/scores", new { datasetId, method = "recon" });
        await ApiClient.EnsureStatusAsync(started, HttpStatusCode.Accepted);
        var jobId = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("jobId").GetGuid();
        await Eventually.WaitForAsync(() => owner.GetJsonAsync($"/api/scores/{jobId}"), j => j.GetProperty("status").GetString() is "Succeeded" or "Failed", TimeSpan.FromMinutes(2), "the score job");
        await ApiClient.EnsureStatusAsync(await owner.Client.PutAsJsonAsync($"/api/scores/{jobId}/settings", new { thresholdMode = "Manual", thresholdValue = 1e12 }), HttpStatusCode.OK);
        await ApiClient.AssertProblemAsync(await viewer.Client.PostAsJsonAsync($"/api/scores/{jobId}/queue", new { imageIds = selected }), HttpStatusCode.Forbidden);
        var queued = await PostOkAsync(editor, $"/api/scores/{jobId}/queue", new { imageIds = selected, reason = "latent map region" });
        Assert.Equal((selected.Count, 0), (queued.GetProperty("queued").GetInt32(), queued.GetProperty("alreadyQueued").GetInt32()));
        var job = await viewer.GetJsonAsync($"/api/scores/{jobId}");
        Assert.Equal((0, selected.Count), (job.GetProperty("threshold").GetProperty("flagged").GetInt32(), job.GetProperty("threshold").GetProperty("queued").GetInt32()));
        Assert.Equal(selected.Order(), job.GetProperty("items").EnumerateArray().Where(i => i.GetProperty("queued").GetBoolean()).Select(i => i.GetProperty("imageId").GetInt64()).Order());
        // A queued image is decided like a flagged one.
        await ApiClient.EnsureStatusAsync(await editor.Client.PostAsJsonAsync("/api/reviews", new { imageId = selected[0], scoreJobId = jobId, decision = "Anomaly" }), HttpStatusCode.OK);
        var otherDataset = await _factory.CreateFashionMnistAsync(teamId, 10, "other");
        var foreignIds = await DatasetImageRows.AddAsync(_factory, otherDataset);
        await ApiClient.AssertProblemAsync(await editor.Client.PostAsJsonAsync($"/api/scores/{jobId}/queue", new { imageIds = foreignIds }), HttpStatusCode.NotFound);
    }

    private static async Task<List<JsonElement>> RegionAsync(ApiUser user, Guid modelId, object region)
    {
        var response = await user.Client.PostAsJsonAsync($"/api/models/{modelId}/latent-map/region", region);
        await ApiClient.EnsureStatusAsync(response, HttpStatusCode.OK);
        return [.. (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("images").EnumerateArray()];
    }

    private static async Task<JsonElement> PostOkAsync(ApiUser user, string url, object body)
    {
        var response = await user.Client.PostAsJsonAsync(url, body);
        await ApiClient.EnsureStatusAsync(response, HttpStatusCode.OK);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public void Dispose() => _factory.Dispose();
}
