using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using VaeWorkbench.Engine.IO;
using VaeWorkbench.Web.Tests.Infrastructure;

namespace VaeWorkbench.Web.Tests;

public sealed class RunsApiTests : IDisposable
{
    private static readonly TimeSpan TrainingTimeout = TimeSpan.FromMinutes(2);

    private readonly WorkbenchFactory _factory = new(WorkbenchFactory.FastTraining());

    [Fact]
    public async Task A_small_run_trains_to_succeeded_with_history_and_a_loadable_model()
    {
        var user = await _factory.RegisterWithTokenAsync();
        var datasetId = await _factory.CreateFashionMnistAsync(await user.PersonalTeamIdAsync(), 600);

        var created = await user.Client.PostAsJsonAsync("/api/runs", new { datasetId, epochs = 3, batch = 64, validationSplit = 0.2, seed = 7 });
        await ApiClient.EnsureStatusAsync(created, HttpStatusCode.Created);
        var runId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        var run = await WaitForStatusAsync(user, runId, "Succeeded");

        Assert.Equal(3, run.GetProperty("epoch").GetInt32());
        var history = run.GetProperty("history").EnumerateArray().ToList();
        Assert.Equal([1, 2, 3], history.Select(h => h.GetProperty("epoch").GetInt32()));
        foreach (var h in history)
        {
            Assert.Equal(h.GetProperty("trainLoss").GetDouble(), h.GetProperty("recon").GetDouble() + h.GetProperty("kl").GetDouble(), 6);
            Assert.True(h.GetProperty("valLoss").GetDouble() > 0);
        }
        // 480 training images, 3 epochs: the loss must fall clearly from the first epoch to the last.
        Assert.True(history[2].GetProperty("trainLoss").GetDouble() < history[0].GetProperty("trainLoss").GetDouble() - 20,
            $"train loss did not fall: {string.Join(", ", history.Select(h => h.GetProperty("trainLoss").GetDouble()))}");

        var modelId = run.GetProperty("modelId").GetGuid();
        var model = await user.GetJsonAsync($"/api/models/{modelId}");
        Assert.Equal(runId, model.GetProperty("runId").GetGuid());
        Assert.Equal(datasetId, model.GetProperty("datasetId").GetGuid());
        Assert.Equal(20, model.GetProperty("config").GetProperty("latent").GetInt32());
        Assert.Equal(3, model.GetProperty("metrics").GetProperty("epochs").GetInt32());

        var file = await user.Client.GetByteArrayAsync($"/api/models/{modelId}/file");
        var loaded = ModelFile.Load(file);
        Assert.Equal(3, loaded.History.Count);
        Assert.Equal(history[2].GetProperty("trainLoss").GetDouble(), loaded.History[2].TrainLoss, 9);
    }

    [Fact]
    public async Task A_running_run_can_be_cancelled_and_a_finished_one_cannot()
    {
        var user = await _factory.RegisterWithTokenAsync();
        var datasetId = await _factory.CreateFashionMnistAsync(await user.PersonalTeamIdAsync(), 2000);
        var runId = await CreateRunAsync(user, new { datasetId, epochs = 500, batch = 32 });
        await Eventually.WaitForAsync(() => user.GetJsonAsync($"/api/runs/{runId}"), r => r.GetProperty("epoch").GetInt32() >= 1, TrainingTimeout, "the first epoch");

        await ApiClient.EnsureStatusAsync(await user.Client.PostAsync($"/api/runs/{runId}/cancel", null), HttpStatusCode.OK);
        var run = await WaitForStatusAsync(user, runId, "Cancelled");
        Assert.True(run.GetProperty("epoch").GetInt32() < 500);
        Assert.Equal(JsonValueKind.Null, run.GetProperty("modelId").ValueKind);

        await ApiClient.AssertProblemAsync(await user.Client.PostAsync($"/api/runs/{runId}/cancel", null), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_diverging_run_fails_with_the_reason_and_the_server_keeps_serving()
    {
        var user = await _factory.RegisterWithTokenAsync();
        var datasetId = await _factory.CreateFashionMnistAsync(await user.PersonalTeamIdAsync(), 300);
        var runId = await CreateRunAsync(user, new { datasetId, epochs = 5, lr = 1, loss = "mse" });

        var run = await WaitForStatusAsync(user, runId, "Failed");

        var error = run.GetProperty("error").GetString()!;
        Assert.Matches("NaN|infinite", error);
        // The run's page shows the same reason.
        var page = await (await _factory.SignInThroughFormAsync(user)).GetStringAsync($"/runs/{runId}");
        Assert.Contains(error, System.Net.WebUtility.HtmlDecode(page));
        await ApiClient.EnsureStatusAsync(await user.Client.GetAsync("/api/me"), HttpStatusCode.OK);
        var next = await CreateRunAsync(user, new { datasetId, epochs = 1 });
        await WaitForStatusAsync(user, next, "Succeeded");
    }

    [Fact]
    public async Task Invalid_settings_get_a_400_that_names_the_field()
    {
        var user = await _factory.RegisterWithTokenAsync();
        var teamId = await user.PersonalTeamIdAsync();
        var datasetId = await _factory.CreateFashionMnistAsync(teamId, 50);
        foreach (var (body, field, words) in new (object, string, string)[]
        {
            (new { datasetId, arch = "transformer" }, "arch", "must be one of mlp, conv"),
            (new { datasetId, epochs = 0 }, "epochs", "must be between 1 and 100000 (got 0)"),
            (new { datasetId, loss = "hinge" }, "loss", "must be one of"),
            (new { datasetId, validationSplit = 0.9 }, "validationSplit", "must be between 0 and 0.5 (got 0.9)"),
            (new { datasetId, latent = 0 }, "latent", "must be between 1 and 1024 (got 0)"),
            (new { datasetId, lr = 50 }, "lr", "must be greater than 0 and at most 1 (got 50)"),
            (new { datasetId, lr = 0 }, "lr", "must be greater than 0 and at most 1 (got 0)"),
            (new { datasetId, batch = 0 }, "batch", "must be between 1 and 65536 (got 0)"),
            (new { datasetId, beta = -1 }, "beta", "must be between 0 and 1000 (got -1)"),
            (new { datasetId, threads = 0 }, "threads", "must be between 1 and 256 (got 0)"),
            (new { datasetId, hidden = new[] { 400, 0 } }, "hidden", "each width must be between 1 and 4096 (got 0)"),
        })
        {
            var problem = await ApiClient.AssertProblemAsync(await user.Client.PostAsJsonAsync("/api/runs", body), HttpStatusCode.BadRequest);
            var errors = problem.GetProperty("errors");
            var messages = errors.GetProperty(field).EnumerateArray().Select(m => m.GetString()).ToList();
            Assert.Contains(messages, m => m!.Contains(words, StringComparison.Ordinal));
            Assert.Single(errors.EnumerateObject());
            Assert.Contains(field, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        // Every bad field is reported at once, not only the first.
        var several = await ApiClient.AssertProblemAsync(
            await user.Client.PostAsJsonAsync("/api/runs", new { datasetId, epochs = 0, lr = 50, batch = 0, validationSplit = 0.9 }), HttpStatusCode.BadRequest);
        Assert.Equal(["batch", "epochs", "lr", "validationSplit"], several.GetProperty("errors").EnumerateObject().Select(p => p.Name).Order());

        // Nothing was queued by any of them.
        var runs = await user.GetJsonAsync($"/api/runs?teamId={teamId}");
        Assert.Equal(0, (runs.ValueKind == JsonValueKind.Array ? runs : runs.GetProperty("items")).GetArrayLength());
    }

    [Fact]
    public async Task Another_teams_runs_models_and_datasets_are_404_and_a_viewer_cannot_start_runs()
    {
        var owner = await _factory.RegisterWithTokenAsync();
        var teamId = await owner.PersonalTeamIdAsync();
        var datasetId = await _factory.CreateFashionMnistAsync(teamId, 300);
        var runId = await CreateRunAsync(owner, new { datasetId, epochs = 1 });
        var run = await WaitForStatusAsync(owner, runId, "Succeeded");
        var modelId = run.GetProperty("modelId").GetGuid();

        var stranger = await _factory.RegisterWithTokenAsync();
        await ApiClient.AssertProblemAsync(await stranger.Client.GetAsync($"/api/runs/{runId}"), HttpStatusCode.NotFound);
        await ApiClient.AssertProblemAsync(await stranger.Client.PostAsync($"/api/runs/{runId}/cancel", null), HttpStatusCode.NotFound);
        await ApiClient.AssertProblemAsync(await stranger.Client.GetAsync($"/api/models/{modelId}"), HttpStatusCode.NotFound);
        await ApiClient.AssertProblemAsync(await stranger.Client.GetAsync($"/api/models/{modelId}/file"), HttpStatusCode.NotFound);
        await ApiClient.AssertProblemAsync(await stranger.Client.PostAsJsonAsync("/api/runs", new { datasetId }), HttpStatusCode.NotFound);
        await ApiClient.AssertProblemAsync(await stranger.Client.GetAsync($"/api/runs?teamId={teamId}"), HttpStatusCode.NotFound);

        var invite = await owner.Client.PostAsJsonAsync($"/api/teams/{teamId}/invites", new { role = "Viewer" });
        var code = (await invite.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString();
        var viewer = await _factory.RegisterWithTokenAsync();
        await ApiClient.EnsureStatusAsync(await viewer.Client.PostAsJsonAsync("/api/teams/join", new { code }), HttpStatusCode.OK);
        await ApiClient.EnsureStatusAsync(await viewer.Client.GetAsync($"/api/runs/{runId}"), HttpStatusCode.OK);
        await ApiClient.EnsureStatusAsync(await viewer.Client.GetAsync($"/api/models/{modelId}/file"), HttpStatusCode.OK);
        await ApiClient.AssertProblemAsync(await viewer.Client.PostAsJsonAsync("/api/runs", new { datasetId }), HttpStatusCode.Forbidden);
        await ApiClient.AssertProblemAsync(await viewer.Client.PostAsync($"/api/runs/{runId}/cancel", null), HttpStatusCode.Forbidden);
    }

    private static async Task<Guid> CreateRunAsync(ApiUser user, object body)
    {
        var created = await user.Client.PostAsJsonAsync("/api/runs", body);
        await ApiClient.EnsureStatusAsync(created, HttpStatusCode.Created);
        return (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    private static Task<JsonElement> WaitForStatusAsync(ApiUser user, Guid runId, string status) =>
        Eventually.WaitForAsync(() => user.GetJsonAsync($"/api/runs/{runId}"),
            r => r.GetProperty("status").GetString() == status || r.GetProperty("status").GetString() is "Failed" or "Succeeded" or "Cancelled",
            TrainingTimeout, $"run {runId} to be {status}")
            .ContinueWith(t =>
            {
                var run = t.Result;
                Assert.True(run.GetProperty("status").GetString() == status, $"run ended {run.GetProperty("status").GetString()}, expected {status}: {run}");
                return run;
            });

    public void Dispose() => _factory.Dispose();
}
