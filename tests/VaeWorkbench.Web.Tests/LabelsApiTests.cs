using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using VaeWorkbench.Web.Tests.Infrastructure;

namespace VaeWorkbench.Web.Tests;

/// <summary>Names, tags and notes on runs, augmented sets and registered models: PATCH, the list filters and who may do it.</summary>
public sealed class LabelsApiTests(AugmentationFixture fixture) : IClassFixture<AugmentationFixture>
{
    private ApiUser Owner => fixture.Owner;

    [Fact]
    public async Task A_run_gets_a_readable_name_and_can_be_renamed_tagged_and_annotated_then_found_by_q_and_tag()
    {
        var runId = await QueueRunAsync();
        var run = await Owner.GetJsonAsync($"/api/runs/{runId}");
        Assert.Matches("^[a-z]+-[a-z]+-[0-9]+$", run.GetProperty("name").GetString());
        Assert.Empty(run.GetProperty("tags").EnumerateArray());

        var patched = await PatchAsync($"/api/runs/{runId}", new { name = "night-conv", tags = new[] { "baseline", "β-sweep", "baseline" }, notes = "First try.\nLower β next." });
        Assert.Equal("night-conv", patched.GetProperty("name").GetString());
        Assert.Equal(["baseline", "β-sweep"], patched.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal("First try.\nLower β next.", patched.GetProperty("notes").GetString());

        // A field left out stays as it is.
        var renamed = await PatchAsync($"/api/runs/{runId}", new { name = "night-conv-2" });
        Assert.Equal(["baseline", "β-sweep"], renamed.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal("First try.\nLower β next.", renamed.GetProperty("notes").GetString());

        Assert.Equal([runId], await RunIdsAsync("?q=NIGHT-conv"));
        Assert.Equal([runId], await RunIdsAsync("?q=lower%20%CE%B2"));
        Assert.Equal([runId], await RunIdsAsync("?tag=%CE%B2-sweep"));
        Assert.Empty(await RunIdsAsync("?tag=%CE%B2"));                   // a tag matches whole, not as a prefix
        Assert.Empty(await RunIdsAsync("?q=%25"));                        // LIKE's wildcards are searched for literally
        Assert.Contains(runId, await RunIdsAsync(""));
        var audit = await Owner.GetJsonAsync($"/api/teams/{fixture.TeamId}/audit?action=run.labelled");
        Assert.NotEqual(0, (audit.ValueKind == JsonValueKind.Array ? audit : audit.GetProperty("items")).GetArrayLength());
    }

    [Theory]
    [InlineData("{\"name\":\"   \"}", "must not be empty")]
    [InlineData("{\"name\":\"a\\u202Eb\"}", "right-to-left")]
    [InlineData("{\"tags\":[\"a,b\"]}", "comma")]
    [InlineData("{\"notes\":\"bell\\u0007\"}", "control characters")]
    public async Task A_bad_name_tag_or_note_is_refused_and_nothing_changes(string body, string reason)
    {
        var runId = await QueueRunAsync();
        var before = (await Owner.GetJsonAsync($"/api/runs/{runId}")).GetProperty("name").GetString();
        var response = await Owner.Client.PatchAsync($"/api/runs/{runId}", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        var problem = await ApiClient.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains(reason, problem.GetProperty("detail").GetString());
        // The refusal is listed under the request's field, where a form shows it.
        var field = JsonDocument.Parse(body).RootElement.EnumerateObject().First().Name;
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
        Assert.Equal(before, (await Owner.GetJsonAsync($"/api/runs/{runId}")).GetProperty("name").GetString());
    }

    [Fact]
    public async Task Another_teams_objects_are_404_and_a_viewer_gets_403()
    {
        var runId = await QueueRunAsync();
        var setId = await GenerateAsync();
        await RegisterAsync("labels-isolation");

        var stranger = await fixture.Factory.RegisterWithTokenAsync();
        var body = new { name = "mine now" };
        await ApiClient.AssertProblemAsync(await stranger.Client.PatchAsJsonAsync($"/api/runs/{runId}", body), HttpStatusCode.NotFound);
        await ApiClient.AssertProblemAsync(await stranger.Client.PatchAsJsonAsync($"/api/augmented/{setId}", body), HttpStatusCode.NotFound);
        await ApiClient.AssertProblemAsync(await stranger.Client.PatchAsJsonAsync($"/api/registry/labels-isolation?teamId={fixture.TeamId}", new { name = "x" }), HttpStatusCode.NotFound);
        Assert.Empty((await stranger.GetJsonAsync("/api/runs?q=")).EnumerateArray());

        var viewer = await TrainedRun.JoinAsAsync(fixture.Factory, Owner, fixture.TeamId, "Viewer");
        await ApiClient.AssertProblemAsync(await viewer.Client.PatchAsJsonAsync($"/api/runs/{runId}", body), HttpStatusCode.Forbidden);
        await ApiClient.AssertProblemAsync(await viewer.Client.PatchAsJsonAsync($"/api/augmented/{setId}", body), HttpStatusCode.Forbidden);
        await ApiClient.AssertProblemAsync(await viewer.Client.PatchAsJsonAsync($"/api/registry/labels-isolation?teamId={fixture.TeamId}", new { name = "x" }), HttpStatusCode.Forbidden);
        Assert.NotEqual("mine now", (await Owner.GetJsonAsync($"/api/runs/{runId}")).GetProperty("name").GetString());
    }

    [Fact]
    public async Task An_augmented_set_is_named_by_default_and_patched_and_filtered()
    {
        var setId = await GenerateAsync();
        Assert.Matches("^[a-z]+-[a-z]+-[0-9]+$", (await Owner.GetJsonAsync($"/api/augmented/{setId}")).GetProperty("name").GetString());

        var patched = await PatchAsync($"/api/augmented/{setId}", new { name = "shirts for the demo", tags = new[] { "demo" }, notes = "Kept for the review meeting." });
        Assert.Equal("shirts for the demo", patched.GetProperty("name").GetString());

        var byTag = await Owner.GetJsonAsync("/api/augmented?tag=demo");
        Assert.Equal([setId], byTag.EnumerateArray().Select(s => s.GetProperty("id").GetGuid()));
        var byNotes = await Owner.GetJsonAsync("/api/augmented?q=review%20meeting");
        Assert.Equal([setId], byNotes.EnumerateArray().Select(s => s.GetProperty("id").GetGuid()));
    }

    [Fact]
    public async Task A_registered_model_is_renamed_tagged_and_annotated_and_a_taken_name_is_refused()
    {
        await RegisterAsync("labels-first");
        await RegisterAsync("labels-taken");

        var patched = await PatchAsync("/api/registry/labels-first", new { name = "labels-renamed", tags = new[] { "production-candidate" }, notes = "Trained on the cleaned set." });
        Assert.Equal("labels-renamed", patched.GetProperty("name").GetString());
        var details = await Owner.GetJsonAsync("/api/registry/labels-renamed");
        Assert.Equal("Trained on the cleaned set.", details.GetProperty("notes").GetString());
        Assert.Equal(["production-candidate"], details.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        await ApiClient.AssertProblemAsync(await Owner.Client.GetAsync("/api/registry/labels-first"), HttpStatusCode.NotFound);
        // The version keeps its file under the new name.
        Assert.Equal(HttpStatusCode.OK, (await Owner.Client.GetAsync("/api/registry/labels-renamed/versions/1/download")).StatusCode);

        Assert.Equal(["labels-renamed"], (await Owner.GetJsonAsync("/api/registry?tag=production-candidate")).EnumerateArray().Select(m => m.GetProperty("name").GetString()));
        Assert.Equal(["labels-renamed"], (await Owner.GetJsonAsync("/api/registry?q=cleaned%20set")).EnumerateArray().Select(m => m.GetProperty("name").GetString()));

        var taken = await ApiClient.AssertProblemAsync(await Owner.Client.PatchAsJsonAsync("/api/registry/labels-renamed", new { name = "labels-taken" }), HttpStatusCode.BadRequest);
        Assert.Contains("already has a registered model named 'labels-taken'", taken.GetProperty("detail").GetString());
        Assert.True(taken.GetProperty("errors").TryGetProperty("name", out _), taken.ToString());
        var badName = await ApiClient.AssertProblemAsync(await Owner.Client.PatchAsJsonAsync("/api/registry/labels-renamed", new { name = "has space" }), HttpStatusCode.BadRequest);
        Assert.Contains("may use only letters", badName.GetProperty("detail").GetString());
    }

    private async Task<JsonElement> PatchAsync(string path, object body)
    {
        var response = await Owner.Client.PatchAsJsonAsync(path, body);
        await ApiClient.EnsureStatusAsync(response, HttpStatusCode.OK);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private async Task<List<Guid>> RunIdsAsync(string query) =>
        (await Owner.GetJsonAsync($"/api/runs{query}")).EnumerateArray().Select(r => r.GetProperty("id").GetGuid()).ToList();

    // Not waited for: labels do not depend on a run's state.
    private async Task<Guid> QueueRunAsync()
    {
        var created = await Owner.Client.PostAsJsonAsync("/api/runs", new { datasetId = fixture.DatasetId, epochs = 1, batch = 64 });
        await ApiClient.EnsureStatusAsync(created, HttpStatusCode.Created);
        return (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    private async Task<Guid> GenerateAsync()
    {
        var response = await Owner.Client.PostAsJsonAsync($"/api/models/{fixture.ModelId}/generate", new { count = 2, seed = 1 });
        await ApiClient.EnsureStatusAsync(response, HttpStatusCode.Accepted);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("augmentedId").GetGuid();
    }

    private async Task RegisterAsync(string name)
    {
        var response = await Owner.Client.PostAsJsonAsync("/api/registry", new { runId = fixture.RunId, name });
        await ApiClient.EnsureStatusAsync(response, HttpStatusCode.Created);
    }
}
