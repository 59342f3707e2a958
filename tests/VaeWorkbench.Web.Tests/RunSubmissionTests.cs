using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using VaeWorkbench.Web.Tests.Infrastructure;

namespace VaeWorkbench.Web.Tests;

/// <summary>A double-clicked Train button or a client's retry creates one run: the Idempotency-Key guarantee on the server.</summary>
public sealed class RunSubmissionTests : IDisposable
{
    private readonly WorkbenchFactory _factory = new(WorkbenchFactory.FastTraining());

    [Fact]
    public async Task Concurrent_identical_requests_with_the_same_key_create_exactly_one_run()
    {
        var user = await _factory.RegisterWithTokenAsync();
        var teamId = await user.PersonalTeamIdAsync();
        var datasetId = await _factory.CreateFashionMnistAsync(teamId, 200);
        var key = Guid.NewGuid().ToString("N");

        // Eight copies of the same submission at once, as a double click and a few retries would send them.
        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => PostRunAsync(user, new { datasetId, epochs = 1 }, key)));

        foreach (var response in responses) await ApiClient.EnsureStatusAsync(response, HttpStatusCode.Created);
        var ids = await Task.WhenAll(responses.Select(async r => (await r.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid()));
        Assert.Single(ids.Distinct());
        var runs = (await user.GetJsonAsync($"/api/runs?teamId={teamId}")).EnumerateArray().ToList();
        Assert.Equal(ids[0], Assert.Single(runs).GetProperty("id").GetGuid());
        var started = (await user.GetJsonAsync($"/api/teams/{teamId}/audit?action=run.started")).EnumerateArray().ToList();
        Assert.Single(started);
    }

    [Fact]
    public async Task A_new_key_or_no_key_creates_a_new_run_and_a_reused_key_with_other_settings_is_refused()
    {
        var user = await _factory.RegisterWithTokenAsync();
        var teamId = await user.PersonalTeamIdAsync();
        var datasetId = await _factory.CreateFashionMnistAsync(teamId, 200);

        await ApiClient.EnsureStatusAsync(await PostRunAsync(user, new { datasetId, epochs = 1 }, "form-1"), HttpStatusCode.Created);
        await ApiClient.EnsureStatusAsync(await PostRunAsync(user, new { datasetId, epochs = 1 }, "form-2"), HttpStatusCode.Created);
        await ApiClient.EnsureStatusAsync(await PostRunAsync(user, new { datasetId, epochs = 1 }, key: null), HttpStatusCode.Created);
        await ApiClient.EnsureStatusAsync(await PostRunAsync(user, new { datasetId, epochs = 1 }, key: null), HttpStatusCode.Created);
        await ApiClient.AssertProblemAsync(await PostRunAsync(user, new { datasetId, epochs = 2 }, "form-1"), HttpStatusCode.BadRequest);
        await ApiClient.AssertProblemAsync(await PostRunAsync(user, new { datasetId, epochs = 1 }, new string('k', 101)), HttpStatusCode.BadRequest);

        Assert.Equal(4, (await user.GetJsonAsync($"/api/runs?teamId={teamId}")).GetArrayLength());
    }

    [Fact]
    public async Task Keys_belong_to_their_user()
    {
        var first = await _factory.RegisterWithTokenAsync();
        var second = await _factory.RegisterWithTokenAsync();
        var firstRun = await CreatedIdAsync(await PostRunAsync(first, new { datasetId = await _factory.CreateFashionMnistAsync(await first.PersonalTeamIdAsync(), 100), epochs = 1 }, "same-key"));
        var secondRun = await CreatedIdAsync(await PostRunAsync(second, new { datasetId = await _factory.CreateFashionMnistAsync(await second.PersonalTeamIdAsync(), 100), epochs = 1 }, "same-key"));
        Assert.NotEqual(firstRun, secondRun);
    }

    private static Task<HttpResponseMessage> PostRunAsync(ApiUser user, object settings, string? key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/runs") { Content = JsonContent.Create(settings) };
        if (key is not null) request.Headers.Add("Idempotency-Key", key);
        return user.Client.SendAsync(request);
    }

    private static async Task<Guid> CreatedIdAsync(HttpResponseMessage response)
    {
        await ApiClient.EnsureStatusAsync(response, HttpStatusCode.Created);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    public void Dispose() => _factory.Dispose();
}
