using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace VaeWorkbench.Web.Tests.Infrastructure;

/// <summary>Trains a small model through the API and waits for it: a few hundred real images, one epoch.</summary>
public static class TrainedRun
{
    public static readonly Dictionary<string, string?> FastTraining = new()
    {
        ["Training:DefaultThreads"] = "1",
        ["Training:HeartbeatSeconds"] = "1",
        ["Training:LeaseSeconds"] = "3",
        ["Training:PollSeconds"] = "1",
    };

    public static async Task<(Guid RunId, Guid ModelId, Guid DatasetId)> TrainAsync(WorkbenchFactory factory, ApiUser user, Guid teamId, int images = 300)
    {
        var datasetId = await factory.CreateFashionMnistAsync(teamId, images);
        var created = await user.Client.PostAsJsonAsync("/api/runs", new { datasetId, epochs = 1, batch = 64, seed = 3 });
        await ApiClient.EnsureStatusAsync(created, HttpStatusCode.Created);
        var runId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var run = await Eventually.WaitForAsync(() => user.GetJsonAsync($"/api/runs/{runId}"),
            r => r.GetProperty("status").GetString() is "Succeeded" or "Failed" or "Cancelled", TimeSpan.FromMinutes(2), $"run {runId} to finish");
        Assert.True(run.GetProperty("status").GetString() == "Succeeded", $"the run did not succeed: {run}");
        return (runId, run.GetProperty("modelId").GetGuid(), datasetId);
    }

    public static async Task<ApiUser> JoinAsAsync(WorkbenchFactory factory, ApiUser owner, Guid teamId, string role)
    {
        var invite = await owner.Client.PostAsJsonAsync($"/api/teams/{teamId}/invites", new { role });
        await ApiClient.EnsureStatusAsync(invite, HttpStatusCode.OK);
        var code = (await invite.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString();
        var member = await factory.RegisterWithTokenAsync();
        await ApiClient.EnsureStatusAsync(await member.Client.PostAsJsonAsync("/api/teams/join", new { code }), HttpStatusCode.OK);
        return member;
    }

    /// <summary>A member's user id, from the team's member list as <paramref name="reader"/> sees it.</summary>
    public static async Task<string> MemberIdAsync(ApiUser reader, Guid teamId, ApiUser member) =>
        (await reader.GetJsonAsync($"/api/teams/{teamId}/members")).EnumerateArray()
            .First(m => m.GetProperty("email").GetString() == member.Email).GetProperty("userId").GetString()!;
}
